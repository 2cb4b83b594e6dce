#pragma once
// The order of one timestep, written once for every backend (DESIGN.md §2). A backend provides
// the phases; this template fixes their order.
#include <cstdint>

#include "engram/config.hpp"

namespace engram {

// b.lap(k) ends phase k of the step (engine_phases in simulation.hpp): the backend adds the
// time since the last lap to that phase's total.
// Host and device: the CPU backend calls it from its step loop, the CUDA backend from inside
// its persistent kernel (kernels/step_kernels.cuh), so both follow this one order.
template <class Backend>
ENGRAM_HOST_DEVICE void engine_step(Backend& b, std::uint64_t t) {
  b.deliver(t);            // 1. this step's ring-buffer slot -> per-port input
  b.lap(0);
  b.stimulate(t);          // 2. Poisson, DC and step-current input
  b.lap(1);
  b.update_neurons(t);     // 3. integrate, threshold, reset; ordered spike list
  b.lap(2);
  b.propagate(t);          // 4. spikes -> targets' ring buffers at t + delay
  b.lap(3);
  b.post_spike_plasticity(t);  // 5. spike history; weight rules at postsynaptic spikes (column index, ADR 0005)
  b.lap(4);
  b.synapse_dynamics(t);   // 6. plasticity rules: state rules' traces then synapses (ADR 0004); weight rules at presynaptic spikes, then their traces (ADR 0005)
  b.lap(5);
  b.slow_processes(t);     // 7. slow processes of rules (protein synthesis, late phase)
  b.lap(6);
  b.record(t);             // 8. spikes, rates, probes, snapshots
  b.lap(7);
}

// Phase 4: the ring-buffer row that a spike sent in the step of row `now` (= t % ring_len)
// reaches after `delay` < ring_len steps; a compare instead of a 64-bit division per synapse
// (dozens of instructions on a GPU).
ENGRAM_HOST_DEVICE inline std::uint64_t arrival_row(std::uint64_t now, std::uint16_t delay, std::uint64_t ring_len) {
  const std::uint64_t r = now + delay;
  return r >= ring_len ? r - ring_len : r;
}

}  // namespace engram
