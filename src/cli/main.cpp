// The engram command line: run, validate, info.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <fmt/format.h>
#include <omp.h>

#include "engram/checkpoint.hpp"
#include "engram/errors.hpp"
#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/output.hpp"
#include "engram/simulation.hpp"
#include "engram/version.hpp"
#include "omp_spin.hpp"
#include "stop_signal.hpp"

namespace {

enum exit_code { ok = 0, bad_model = 2, io_failure = 3, no_backend = 4, sim_failure = 5, internal = 70 };

std::string human_count(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}

// "about N synapses", and how many of them are procedural (regenerated, not stored) if any.
std::string synapse_summary(const engram::memory_estimate& m) {
  const std::uint64_t procedural = m.synapses - m.stored_synapses;
  return fmt::format("about {} synapses{}", human_count(static_cast<double>(m.synapses)),
                     procedural ? fmt::format(", {} of them procedural", human_count(static_cast<double>(procedural))) : "");
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct run_args {
  std::string model, out = "out", backend = "auto";
  std::optional<std::uint64_t> seed;
  double duration = 0;
  int threads = 0;
  bool quiet = false;
  double checkpoint_every = 0;  // ms of biological time; 0: no checkpoints
  bool resume = false;          // continue the run in `out` from its checkpoint
};

namespace fs = std::filesystem;

// What `engram resume DIR` needs to rebuild the run: written next to the checkpoint.
void write_run_file(const run_args& a, const engram::network& net, const std::string& model_text) {
  nlohmann::json j = {{"model_file", a.model}, {"model_text", model_text}, {"seed", net.run.seed},
                      {"duration", net.run.duration}, {"backend", a.backend}, {"threads", a.threads},
                      {"checkpoint_every", a.checkpoint_every}};
  std::error_code ec;
  fs::create_directories(a.out, ec);
  const fs::path tmp = fs::path(a.out) / "run.json.tmp";
  std::ofstream(tmp) << j.dump(2) << "\n";
  fs::rename(tmp, fs::path(a.out) / "run.json", ec);
  if (ec) throw engram::io_error(fmt::format("{}: cannot write run.json: {}", a.out, ec.message()));
}

run_args read_run_file(const std::string& dir, std::string& model_text) {
  const fs::path file = fs::path(dir) / "run.json";
  if (!fs::exists(file)) throw engram::io_error(fmt::format("{}: no run.json: not a folder of a run with --checkpoint-every", dir));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(file.string()));
    run_args a;
    a.model = j.at("model_file").get<std::string>();
    model_text = j.at("model_text").get<std::string>();
    a.seed = j.at("seed").get<std::uint64_t>();
    a.duration = j.at("duration").get<double>();
    a.backend = j.at("backend").get<std::string>();
    a.threads = j.at("threads").get<int>();
    a.checkpoint_every = j.at("checkpoint_every").get<double>();
    a.out = dir;
    a.resume = true;
    return a;
  } catch (const nlohmann::json::exception& e) {
    throw engram::invalid_model(fmt::format("{}: unreadable run file: {}", file.string(), e.what()));
  }
}

int run(const run_args& given) {
  run_args a = given;
  std::string model_text;
  if (a.resume) {
    a = read_run_file(given.out, model_text);
    a.quiet = given.quiet;
    // Another machine may finish the run: both backends and every thread count give the same
    // spikes, and both backends read the same checkpoint.
    if (!given.backend.empty()) a.backend = given.backend;
    if (given.threads > 0) a.threads = given.threads;
  }
  else model_text = read_text(a.model);
  const std::string base = fs::path(a.model).parent_path().string();
  engram::network net = a.resume ? engram::parse_model_text(model_text, a.model, base.empty() ? "." : base)
                                 : engram::load_model_file(a.model);
  if (a.seed) net.run.seed = *a.seed;
  if (a.duration > 0) net.run.duration = a.duration;
  engram::validate(net);
  engram::simulation_options opt;
  opt.backend = engram::parse_backend(a.backend);
  opt.threads = a.threads;
  std::uint64_t neurons = 0;
  for (const auto& p : net.populations) neurons += p.size;
  const std::string checkpoint = (fs::path(a.out) / "checkpoint.bin").string();
  // manifest.json is written last, so it marks a finished run: a new run in the folder removes
  // an old one first, and resuming a finished run has nothing to do.
  const fs::path manifest = fs::path(a.out) / "manifest.json";
  if (a.resume && fs::exists(manifest)) {
    if (!a.quiet) fmt::print(stderr, "engram: the run in {} is complete ({}); nothing to resume\n", a.out, manifest.string());
    return ok;
  }
  if (!a.resume) {
    std::error_code ec;
    fs::remove(manifest, ec);
  }
  if (a.checkpoint_every > 0 && !a.resume) write_run_file(a, net, model_text);
  if (!a.quiet) {  // a large build takes a while: say what is being built before it starts
    const engram::memory_estimate m = engram::estimate_memory(net);
    const bool fits = m.available == 0 || m.bytes <= m.available;  // else make_simulation says why not
    if (m.synapses >= 100'000'000 && fits)
      fmt::print(stderr, "engram: building {} neurons and {}\n", human_count(static_cast<double>(neurons)), synapse_summary(m));
  }
  auto sim = engram::make_simulation(net, opt);
  if (!sim->backend_note.empty() && !a.quiet) fmt::print(stderr, "engram: {}\n", sim->backend_note);
  if (!a.quiet)
    fmt::print(stderr, "engram: {} neurons, {} synapses built in {:.2f} s ({} backend, {} threads)\n", human_count(static_cast<double>(neurons)),
               human_count(static_cast<double>(sim->synapse_count())), sim->build_seconds, sim->backend_name(), sim->threads());
  // Spikes go to disk as the run goes (output.hpp), so memory stays flat over long runs.
  engram::spike_streams streams(a.out, net, sim->results(), !a.resume);
  if (a.resume) {
    const auto blocks = engram::restore_checkpoint(*sim, net, checkpoint);
    std::vector<std::uint64_t> positions;
    for (const auto& [name, bytes] : blocks)
      if (name == "stream.positions") {
        positions.resize(bytes.size() / sizeof(std::uint64_t));
        std::memcpy(positions.data(), bytes.data(), positions.size() * sizeof(std::uint64_t));
      }
    streams.resume_at(positions);
    if (!a.quiet) fmt::print(stderr, "engram: resumed from {} at {:.1f} ms\n", checkpoint, static_cast<double>(sim->steps_done()) * net.run.dt);
  }
  const std::uint64_t every =
      a.checkpoint_every > 0 ? std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(a.checkpoint_every / net.run.dt))) : 0;

  const std::uint64_t total = net.steps();
  const double dt = net.run.dt;
  constexpr std::uint64_t stream_threshold = 1u << 18;  // spikes held in memory before a drain (3 MB)
  const bool tty = isatty(fileno(stderr));
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t first_step = sim->steps_done();  // > 0 after a resume: speed counts this process only
  auto wall = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double last_print = 0.0;
  bool printed = false;
  std::uint64_t chunk = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(10.0 / dt)));  // 10 ms first
  auto write_checkpoint = [&] {
    const std::vector<std::uint64_t> positions = streams.positions(*sim);
    std::vector<char> bytes(positions.size() * sizeof(std::uint64_t));
    if (!bytes.empty()) std::memcpy(bytes.data(), positions.data(), bytes.size());
    engram::save_checkpoint(*sim, net, checkpoint, {{"stream.positions", bytes}});
  };
  if (every) engram::cli::catch_stop_signals();
  while (sim->steps_done() < total) {
    if (const int signal = engram::cli::stop_requested) {
      write_checkpoint();
      if (printed && tty) fmt::print(stderr, "\n");
      fmt::print(stderr, "engram: stopped by signal {} at {:.1f} ms; checkpoint written; continue with: engram resume {}\n", signal,
                 static_cast<double>(sim->steps_done()) * dt, a.out);
      return 128 + signal;
    }
    const double before = wall();
    std::uint64_t k = std::min(chunk, total - sim->steps_done());
    if (every) k = std::min(k, every - sim->steps_done() % every);  // stop at checkpoint steps
    sim->advance(k);
    if (streams.buffered(*sim) >= stream_threshold) streams.drain(*sim);
    if (every && sim->steps_done() % every == 0 && sim->steps_done() < total) {
      write_checkpoint();
      if (!a.quiet && !tty) fmt::print(stderr, "engram: checkpoint at {:.1f} ms\n", static_cast<double>(sim->steps_done()) * dt);
    }
    const double spent = wall() - before;
    // Aim for about 0.25 s of wall time per chunk so progress stays fresh. Never past the run:
    // where checkpoints cut the chunks short, doubling forever overflowed it to 0 steps (a hang
    // after the 62nd checkpoint).
    if (spent < 0.1 && chunk < total) chunk *= 2;
    else if (spent > 0.5 && chunk > 1) chunk /= 2;
    const double now = wall();
    if (!a.quiet && now > 2.0 && now - last_print >= 1.0) {
      const double done_ms = static_cast<double>(sim->steps_done()) * dt;
      const double rtf = now / (static_cast<double>(sim->steps_done() - first_step) * dt * 1e-3);
      const double eta = (static_cast<double>(total - sim->steps_done()) * dt * 1e-3) * rtf;
      fmt::print(stderr, "{}engram: {:.1f} / {:.1f} s biological | wall {:.1f} s | real-time factor {:.2f} | ETA {:.0f} s{}",
                 tty ? "\r" : "", done_ms * 1e-3, static_cast<double>(total) * dt * 1e-3, now, rtf, eta, tty ? "   " : "\n");
      last_print = now;
      printed = true;
    }
  }
  const double simulate_s = wall();
  if (printed && tty) fmt::print(stderr, "\n");
  engram::run_info info;
  info.model_file = a.model;
  info.model_json = model_text;
  info.simulate_seconds = simulate_s;
  info.first_step = first_step;
  engram::write_output(a.out, net, *sim, info, &streams);
  if (!a.quiet) {
    const double bio_s = static_cast<double>(total) * dt * 1e-3;
    std::string rates;
    const auto& rec = sim->results();
    for (std::size_t p = 0; p < net.populations.size(); ++p)
      rates += fmt::format("{}{} {:.2f} Hz", rates.empty() ? "" : ", ", net.populations[p].name,
                           static_cast<double>(rec.spike_count[p]) / (static_cast<double>(net.populations[p].size) * bio_s));
    const double this_run_s = static_cast<double>(total - first_step) * dt * 1e-3;
    fmt::print(stderr, "engram: simulated {:.3f} s in {:.2f} s (real-time factor {:.3f}); mean rates: {}\n", this_run_s, simulate_s,
               this_run_s > 0 ? simulate_s / this_run_s : 0.0, rates);
    fmt::print(stderr, "engram: wrote {}/manifest.json\n", a.out);
  }
  return ok;
}

int validate_cmd(const std::string& model) {
  const engram::network net = engram::load_model_file(model);
  std::uint64_t neurons = 0;
  for (const auto& p : net.populations) neurons += p.size;
  const auto m = engram::estimate_memory(net);
  fmt::print("{}: valid: {} populations ({} neurons), {} projections ({}), {} stimuli, {} recorders; "
             "{} steps of {} ms; estimated memory {:.2f} GiB\n",
             model, net.populations.size(), neurons, net.projections.size(), synapse_summary(m), net.stimuli.size(),
             net.recorders.size(), net.steps(), net.run.dt, static_cast<double>(m.bytes) / 1073741824.0);
  return ok;
}

// `engram info NAME`: the parameters (unit, default) and state of one neuron model or rule.
int info_about(const std::string& name) {
  const auto fields = [](const char* what, const std::vector<engram::model_field>& v, bool defaults) {
    if (v.empty()) return;
    fmt::print("{}:\n", what);
    for (const auto& f : v)
      if (defaults) fmt::print("  {:<28} {:<10} {:g}\n", f.name, f.unit, f.default_value);
      else fmt::print("  {:<28} {}\n", f.name, f.unit);
  };
  if (const auto* m = engram::find_neuron_model(name)) {
    fmt::print("neuron model {} (docs/models.md#{})\n", m->name, m->name);
    fields("receptors (port, weight unit)", m->ports, false);
    fields("parameters (name, unit, default)", m->params, true);
    fields("state variables (name, unit)", m->state, false);
    return ok;
  }
  if (const auto* r = engram::find_plasticity_rule(name)) {
    fmt::print("plasticity rule {} (docs/models.md#{}){}\n", r->name, r->name,
               r->changes_weight ? ": a weight rule, it changes the stored weight" : "");
    fields("parameters (name, unit, default)", r->params, true);
    fields("synapse variables (name, unit)", r->state, false);
    if (!r->parameter_sets.empty()) fmt::print("published parameter sets: {}\n", r->parameter_sets);
    return ok;
  }
  fmt::print(stderr, "engram: error: no neuron model or plasticity rule named \"{}\" (models: {}; rules: {})\n", name,
             engram::known_model_names(), engram::known_rule_names());
  return bad_model;
}

int info_cmd(const std::string& about) {
  if (!about.empty()) return info_about(about);
  fmt::print("engram {} (commit {})\n", engram::version, engram::git_commit);
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const auto s = engram::probe_backends();
  fmt::print("backends:\n  cpu: available, OpenMP, up to {} threads (waiting: GOMP_SPINCOUNT={}, OMP_WAIT_POLICY={}); "
             "vector instructions: {}\n",
             omp_get_max_threads(), spin ? spin : "unset", policy ? policy : "unset", s.cpu_instruction_set);
  if (!s.cuda_compiled) fmt::print("  cuda: unavailable: {}\n", s.cuda_reason);
  else if (!s.cuda_usable) fmt::print("  cuda: compiled in, unusable here: {}\n", s.cuda_reason);
  else fmt::print("  cuda: available: {}\n", s.cuda_reason);
  fmt::print("neuron models:\n");
  for (const auto& m : engram::neuron_models_info()) {
    std::string ports;
    for (const auto& p : m.ports) ports += fmt::format("{}{} ({})", ports.empty() ? "" : ", ", p.name, p.unit);
    fmt::print("  {}: receptors {}\n", m.name, ports);
  }
  fmt::print("  {}: a population that emits spikes at given times\n", engram::spike_source_array_model);
  fmt::print("  {}: Poisson spike trains (params rate in Hz, start and stop in ms)\n", engram::spike_source_poisson_model);
  fmt::print("plasticity rules:\n");
  for (const auto& r : engram::plasticity_rules_info()) {
    std::string vars;
    for (const auto& v : r.state) vars += fmt::format("{}{} ({})", vars.empty() ? "" : ", ", v.name, v.unit);
    if (r.changes_weight) vars = "none (changes the weight itself)";
    fmt::print("  {}: synapse variables {}; parameter sets: {}\n", r.name, vars, r.parameter_sets.empty() ? "none" : r.parameter_sets);
  }
  fmt::print("(engram info NAME: the parameters of one model or rule)\n");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  engram::cli::use_short_openmp_spin(argv);
  CLI::App app{"engram: simulate spiking neural networks with learning synapses (CPU and NVIDIA GPUs).\n"
               "Units: ms, mV, nS, pA, pF, Hz. Model files: docs/model-format.md.",
               "engram"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  engram run models/networks/brunel2000.json --out out   # Brunel 2000, 1 s, results in out/\n"
      "  engram run models/networks/coba.json --backend cpu --threads 2 --seed 7\n"
      "  engram validate my_model.json                          # check a file before a long run\n"
      "  tools/plot out                                         # raster, traces, weights as PNG\n"
      "Results: out/manifest.json and .npy arrays (numpy.load). Exit codes: 0 ok, 2 invalid model or\n"
      "usage, 3 file error, 4 backend unavailable or not enough memory, 5 simulation error, 70 internal error.");
  app.set_version_flag("--version", std::string(engram::version));
  run_args ra;
  auto* run_cmd = app.add_subcommand("run", "Simulate a model file and write results into a folder");
  run_cmd->add_option("model", ra.model, "model file (JSON)")->required();
  run_cmd->add_option("--out", ra.out, "output folder (created; files are replaced)")->capture_default_str();
  run_cmd->add_option("--backend", ra.backend, "auto, cpu or cuda (auto picks CUDA when a device is usable)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  run_cmd->add_option("--seed", ra.seed, "override run.seed (non-negative integer)");
  run_cmd->add_option("--duration", ra.duration, "override run.duration (ms)")->check(CLI::PositiveNumber);
  run_cmd->add_option("--threads", ra.threads, "CPU threads (default: all cores)")->check(CLI::Range(1, 4096));
  run_cmd->add_flag("--quiet", ra.quiet, "no progress or summary on stderr");
  run_cmd->add_option("--checkpoint-every", ra.checkpoint_every,
                      "write OUT/checkpoint.bin every this many ms of biological time (atomically), and on "
                      "SIGINT/SIGTERM before exiting; continue an interrupted run with `engram resume OUT`")
      ->check(CLI::PositiveNumber);
  run_args resume_args;
  auto* resume_cmd = app.add_subcommand("resume", "Continue a run made with --checkpoint-every from its last checkpoint");
  resume_cmd->add_option("dir", resume_args.out, "the run's output folder")->required();
  resume_cmd->add_flag("--quiet", resume_args.quiet, "no progress or summary on stderr");
  resume_args.backend.clear();  // empty: the run's own
  resume_cmd->add_option("--backend", resume_args.backend, "auto, cpu or cuda (default: the run's, from DIR/run.json)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  resume_cmd->add_option("--threads", resume_args.threads, "CPU threads (default: the run's)")->check(CLI::Range(1, 4096));
  std::string vmodel;
  auto* val_cmd = app.add_subcommand("validate", "Check a model file without simulating it");
  val_cmd->add_option("model", vmodel, "model file (JSON)")->required();
  auto* info = app.add_subcommand("info", "Show the build, the backends, the models and rules; with NAME, one model's or "
                                          "rule's parameters (units, defaults)");
  std::string info_name;
  info->add_option("name", info_name, "a neuron model or plasticity rule");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    fmt::print(stderr, "engram: error: {} (see engram --help)\n", e.what());
    return bad_model;
  }
  try {
    if (*run_cmd) return run(ra);
    if (*resume_cmd) {
      resume_args.resume = true;
      return run(resume_args);
    }
    if (*val_cmd) return validate_cmd(vmodel);
    if (*info) return info_cmd(info_name);
  } catch (const engram::invalid_model& e) {
    fmt::print(stderr, "engram: error: {}\n", e.what());
    return bad_model;
  } catch (const engram::io_error& e) {
    fmt::print(stderr, "engram: error: {}\n", e.what());
    return io_failure;
  } catch (const engram::backend_unavailable& e) {
    fmt::print(stderr, "engram: error: {}\n", e.what());
    return no_backend;
  } catch (const engram::internal_error& e) {
    fmt::print(stderr, "engram: internal error (a bug; please report it): {}\n", e.what());
    return internal;
  } catch (const engram::error& e) {
    fmt::print(stderr, "engram: error: {}\n", e.what());
    return sim_failure;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "engram: error: out of memory\n");
    return sim_failure;
  } catch (const std::exception& e) {
    fmt::print(stderr, "engram: internal error: {}\n", e.what());
    return internal;
  }
  return ok;
}
