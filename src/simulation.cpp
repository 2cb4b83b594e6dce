// Backend choice and simulation construction.
#include <chrono>

#include <fmt/format.h>

#include "cpu_backend.hpp"
#include "cpu_isa.hpp"
#include "cuda_bridge.hpp"
#include "engram/errors.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "stage_timer.hpp"

#include <omp.h>

namespace engram {

backend_choice parse_backend(const std::string& name) {
  if (name == "auto") return backend_choice::automatic;
  if (name == "cpu") return backend_choice::cpu;
  if (name == "cuda") return backend_choice::cuda;
  throw invalid_model(fmt::format("unknown backend \"{}\" (known: auto, cpu, cuda)", name));
}

backend_status probe_backends() {
  backend_status s;
  s.cuda_compiled = cuda::compiled();
  s.cuda_usable = cuda::usable(s.cuda_reason);
  try {
    s.cpu_instruction_set = isa_name(choose_cpu_isa());
  } catch (const backend_unavailable& e) {
    s.cpu_instruction_set = e.what();
  }
  return s;
}

std::unique_ptr<simulation> make_simulation(const network& net, const simulation_options& opt) {
  validate(net);
  if (opt.threads > 0) omp_set_num_threads(opt.threads);
  const auto t0 = std::chrono::steady_clock::now();
  build_stage_times stages;
  stage_timer timer(stages);
  std::string note;
  bool use_cuda = false;
  if (opt.backend != backend_choice::cpu) {
    std::string why;
    const bool ok = cuda::usable(why);
    if (opt.backend == backend_choice::cuda && !ok) throw backend_unavailable("backend cuda is unavailable: " + why);
    use_cuda = ok;
    note = opt.backend == backend_choice::cuda ? "" : ok ? "using the CUDA backend on " + why : "auto chose the CPU backend: " + why;
  }
  timer.mark("backend_choice");
  const memory_estimate m = estimate_memory(net);
  timer.mark("memory_estimate");
  if (!use_cuda && m.available > 0 && m.bytes > m.available)
    throw backend_unavailable(fmt::format(
        "{}: the network needs about {:.2f} GiB ({} synapses) but this machine has {:.2f} GiB available; "
        "reduce its size or use a machine with more memory",
        net.source_file.empty() ? "network" : net.source_file, static_cast<double>(m.bytes) / 1073741824.0, m.synapses,
        static_cast<double>(m.available) / 1073741824.0));
  std::unique_ptr<simulation> sim = use_cuda ? cuda::make_simulation(net) : make_cpu_simulation(net, opt.threads);
  sim->build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sim->build_stages.insert(sim->build_stages.begin(), stages.begin(), stages.end());
  sim->backend_note = note;
  return sim;
}

}  // namespace engram
