#pragma once
// Checkpoints: every piece of a simulation's dynamic state (step, neuron state, spike-source
// cursors, ring buffers, synaptic weights, recorded data) in one file, so that a run of 2T
// equals a run of T, a checkpoint, a restore in a new process and a run of T, spike for spike.
// Random numbers are counter-based and need no state. Files are written atomically
// (temporary file, fsync, rename) with a checksum; a corrupt file, or one written for another
// model or by another format version, is refused with a clear error.
#include <cstdint>
#include <string>

#include "engram/network.hpp"
#include "engram/simulation.hpp"

namespace engram {

// A hash of everything in the description that shapes the state (populations, parameters,
// connectivity, stimuli, recorders, dt, seed); the run's duration is left out so a resumed
// run may be longer.
std::uint64_t model_fingerprint(const network& net);

// `extra` blocks are stored beside the simulation's (the CLI adds its spike-stream positions).
void save_checkpoint(simulation& sim, const network& net, const std::string& path, const simulation::state_blocks& extra = {});
// `sim` must be freshly made from the same description (make_simulation). Returns every block
// of the file (the simulation has taken its own; callers find their `extra` ones).
simulation::state_blocks restore_checkpoint(simulation& sim, const network& net, const std::string& path);

}  // namespace engram
