#pragma once
// A network placed on one backend (DESIGN.md §1 layer 3): instantiate, advance, read results.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engram/network.hpp"
#include "engram/recording.hpp"

namespace engram {

enum class backend_choice { automatic, cpu, cuda };

backend_choice parse_backend(const std::string& name);  // "auto" | "cpu" | "cuda"

struct simulation_options {
  backend_choice backend = backend_choice::automatic;
  int threads = 0;  // CPU threads; 0 = OpenMP default
};

// Why each backend can or cannot run here (for `engram info` and `auto`).
struct backend_status {
  bool cuda_compiled = false;
  bool cuda_usable = false;
  std::string cuda_reason;  // why not usable, or the device name
  std::string cpu_instruction_set;  // the CPU backend's vector loops: "baseline" (SSE2) or "avx2"
};
backend_status probe_backends();

// The phases of one step, in the order of src/engine.hpp.
inline constexpr std::array<const char*, 8> engine_phases = {
    "deliver", "stimulate", "update_neurons", "propagate", "post_spike_plasticity", "synapse_dynamics", "slow_processes", "record"};
using phase_times = std::array<double, engine_phases.size()>;  // s, per phase
// Totals over `timed` of `steps` steps, scaled to all of them (0 if none was timed).
inline phase_times scaled_phase_times(phase_times sums, std::uint64_t timed, std::uint64_t steps) {
  for (auto& s : sums) s = timed ? s * static_cast<double>(steps) / static_cast<double>(timed) : 0.0;
  return sums;
}

// Seconds per stage of a build, in order (simulation::build_stages).
using build_stage_times = std::vector<std::pair<std::string, double>>;

struct memory_estimate {
  std::uint64_t synapses = 0;       // expected count
  std::uint64_t stored_synapses = 0;  // of them, those held in memory (not procedural)
  std::uint64_t bytes = 0;          // peak bytes during build and run
  std::uint64_t available = 0;      // bytes this machine can give
};
memory_estimate estimate_memory(const network& net);

class simulation {
 public:
  virtual ~simulation() = default;
  // Advances n steps (phases in the order of engine.hpp).
  virtual void advance(std::uint64_t n) = 0;
  virtual std::uint64_t steps_done() const = 0;
  // Recorded data up to now (device buffers are flushed first). Callers may move recorded spikes
  // out (spike_streams in output.hpp writes them to disk during long runs).
  virtual recording& results() = 0;
  virtual std::string backend_name() const = 0;
  virtual int threads() const = 0;
  // The CPU backend's vector instruction set ("baseline" or "avx2"); empty elsewhere.
  virtual std::string instruction_set() const { return {}; }
  virtual std::vector<std::uint64_t> projection_sizes() const = 0;  // synapses per projection
  std::uint64_t synapse_count() const {
    std::uint64_t s = 0;
    for (auto n : projection_sizes()) s += n;
    return s;
  }
  virtual std::uint64_t bytes_per_synapse() const = 0;
  // Wall-clock seconds spent in each phase (engine_phases) over all steps advanced by this
  // process, estimated from every 64th step (phase_timed in src/engine.hpp) and scaled. On the
  // GPU one thread reads the device clock after the grid-wide barrier that ends each phase, so
  // a phase's time includes waiting for the slowest block; time outside the step kernel
  // (launches, copying recorded data back) is in no phase.
  virtual phase_times phase_seconds() = 0;
  // A copy of one state variable of a population (all neurons).
  virtual std::vector<float> state_variable(int population, const std::string& variable) = 0;
  // A copy of one per-synapse state variable of a plastic projection's rule (CSR order);
  // throws invalid_model if the projection has no such variable.
  virtual std::vector<float> synapse_variable(int projection, const std::string& variable) = 0;
  // The CSR arrays of a projection (for tests and snapshots); `weight` holds the weights
  // spikes deliver now (for a plastic projection, the rule's efficacies).
  virtual void synapses(int projection, std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& target,
                        std::vector<float>& weight, std::vector<std::uint16_t>& delay) = 0;
  // Only the weights of synapses() (what spikes of the projection deliver now, CSR order).
  std::vector<float> weights(int projection) {
    std::vector<std::uint64_t> row_ptr;
    std::vector<std::uint32_t> target;
    std::vector<float> weight;
    std::vector<std::uint16_t> delay;
    synapses(projection, row_ptr, target, weight, delay);
    return weight;
  }
  // The dynamic state as named byte blocks, and back (checkpoint.hpp writes and checks the
  // file; backends only copy their arrays). Throws backend_unavailable where not supported.
  using state_blocks = std::vector<std::pair<std::string, std::vector<char>>>;
  virtual state_blocks export_state() = 0;
  virtual void import_state(const state_blocks& blocks) = 0;
  double build_seconds = 0.0;
  // Seconds per stage of the build, in order (the manifest's timing.build_stages_s): choosing
  // the backend, the memory estimate, then the backend's own ("connectivity", "column_index",
  // "device" for the CUDA context, ...); they add up to build_seconds.
  build_stage_times build_stages;
  std::string backend_note;  // e.g. why `auto` fell back to the CPU
};

// Validates `net`, checks its memory estimate against what the machine has, builds the
// connectivity and places the network on the chosen backend.
std::unique_ptr<simulation> make_simulation(const network& net, const simulation_options& opt = {});

}  // namespace engram
