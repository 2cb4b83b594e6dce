#include "engram/output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engram/errors.hpp"
#include "engram/npy.hpp"
#include "engram/version.hpp"

namespace engram {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The process's peak resident memory in bytes (VmHWM of /proc/self/status; 0 where there is
// none). Unlike getrusage's maxrss, which keeps the size of whatever process forked and then
// executed engram (a Python benchmark script with Brian 2 loaded: 800 MB), VmHWM starts again
// at exec, so it is engram's own.
std::uint64_t peak_resident_bytes() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:   123 kB"
  return 0;
}

// Renames a finished temporary file into place; failures are I/O errors (exit code 3).
void move_into_place(const fs::path& tmp, const fs::path& dst) {
  std::error_code ec;
  fs::rename(tmp, dst, ec);
  if (ec) throw io_error(fmt::format("{}: cannot move into place: {}", dst.string(), ec.message()));
}

struct writer {
  fs::path dir;
  json files = json::array();

  template <class T>
  void put(const std::string& name, const std::vector<T>& v, std::vector<std::uint64_t> shape, const std::string& what) {
    if (shape.empty()) shape = {v.size()};
    const fs::path tmp = dir / (name + ".tmp");
    npy::write(tmp.string(), v, shape);
    move_into_place(tmp, dir / name);
    files.push_back({{"name", name}, {"dtype", npy::descr_of<T>()}, {"shape", shape}, {"description", what}});
  }
};

// A spike recorder's records as the .npy stores them: t (float64 ms, end of step), i (int32).
std::vector<char> spike_records(const recording::spikes& r, double dt) {
  std::vector<char> buf(r.step.size() * 12);
  for (std::size_t k = 0; k < r.step.size(); ++k) {
    const double t = static_cast<double>(r.step[k] + 1) * dt;
    const auto i = static_cast<std::int32_t>(r.neuron[k]);
    std::memcpy(&buf[k * 12], &t, 8);
    std::memcpy(&buf[k * 12 + 8], &i, 4);
  }
  return buf;
}

}  // namespace

spike_streams::spike_streams(std::string dir, const network& net, const recording& rec, bool fresh) : dt_(net.run.dt) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw io_error(fmt::format("{}: cannot create output folder: {}", dir, ec.message()));
  for (const auto& r : rec.spike_recorders) {
    paths_.push_back((fs::path(dir) / fmt::format("spikes_{}.npy.part", net.populations[static_cast<std::size_t>(r.population)].name)).string());
    std::FILE* f = std::fopen(paths_.back().c_str(), fresh ? "wb" : "ab");
    if (!f) throw io_error(fmt::format("{}: cannot create: {}", paths_.back(), std::strerror(errno)));
    files_.push_back(f);
  }
}

spike_streams::~spike_streams() {
  for (auto* f : files_)
    if (f) std::fclose(f);
}

void spike_streams::drain(simulation& sim) {
  recording& rec = sim.results();
  for (std::size_t k = 0; k < files_.size(); ++k) {
    auto& r = rec.spike_recorders[k];
    if (r.step.empty()) continue;
    const std::vector<char> buf = spike_records(r, dt_);
    if (std::fwrite(buf.data(), 1, buf.size(), files_[k]) != buf.size())
      throw io_error(fmt::format("{}: write failed (disk full?)", paths_[k]));
    r.step = {};  // release the memory, not only the size
    r.neuron = {};
  }
}

std::uint64_t spike_streams::buffered(simulation& sim) {
  std::uint64_t n = 0;
  for (const auto& r : sim.results().spike_recorders) n += r.step.size();
  return n;
}

std::vector<std::uint64_t> spike_streams::positions(simulation& sim) {
  drain(sim);
  std::vector<std::uint64_t> pos;
  for (std::size_t k = 0; k < files_.size(); ++k) {
    if (std::fflush(files_[k]) != 0 || ::fsync(::fileno(files_[k])) != 0)
      throw io_error(fmt::format("{}: cannot flush: {}", paths_[k], std::strerror(errno)));
    const long at = std::ftell(files_[k]);
    if (at < 0) throw io_error(fmt::format("{}: cannot tell the position: {}", paths_[k], std::strerror(errno)));
    pos.push_back(static_cast<std::uint64_t>(at));
  }
  return pos;
}

void spike_streams::resume_at(const std::vector<std::uint64_t>& positions) {
  if (positions.size() != files_.size())
    throw invalid_model(fmt::format("the checkpoint has {} spike streams, this run {}", positions.size(), files_.size()));
  for (std::size_t k = 0; k < files_.size(); ++k) {
    std::fclose(files_[k]);
    files_[k] = nullptr;
    std::error_code ec;
    if (!fs::exists(paths_[k]) || fs::file_size(paths_[k]) < positions[k])
      throw io_error(fmt::format("{}: holds fewer spikes than the checkpoint recorded ({} bytes); the run folder is "
                                 "incomplete", paths_[k], positions[k]));
    fs::resize_file(paths_[k], positions[k], ec);
    if (ec) throw io_error(fmt::format("{}: cannot truncate: {}", paths_[k], ec.message()));
    files_[k] = std::fopen(paths_[k].c_str(), "ab");
    if (!files_[k]) throw io_error(fmt::format("{}: cannot reopen: {}", paths_[k], std::strerror(errno)));
  }
}

void spike_streams::remove_parts() {
  for (std::size_t k = 0; k < files_.size(); ++k) {
    if (files_[k]) std::fclose(files_[k]);
    files_[k] = nullptr;
    std::error_code ec;
    fs::remove(paths_[k], ec);
  }
}

void write_output(const std::string& dir_name, const network& net, simulation& sim, const run_info& info,
                  spike_streams* streams) {
  std::error_code ec;
  fs::create_directories(dir_name, ec);
  if (ec || !fs::is_directory(dir_name)) throw io_error(fmt::format("{}: cannot create output folder: {}", dir_name, ec.message()));
  writer w{dir_name};
  const double dt = net.run.dt;
  const recording& rec = sim.results();
  const auto pop_name = [&](int p) { return net.populations[static_cast<std::size_t>(p)].name; };

  // Streamed runs: everything still in memory goes to the part files first (then flushed).
  const std::vector<std::uint64_t> streamed = streams ? streams->positions(sim) : std::vector<std::uint64_t>{};
  for (std::size_t k = 0; k < rec.spike_recorders.size(); ++k) {
    // Structured array: ('t', float64 ms), ('i', int32 neuron).
    const auto& r = rec.spike_recorders[k];
    const std::string name = fmt::format("spikes_{}.npy", pop_name(r.population));
    const std::vector<char> buf = spike_records(r, dt);
    const std::uint64_t part = streams ? streamed[k] : 0;
    const std::uint64_t count = (part + buf.size()) / 12;
    const fs::path tmp = w.dir / (name + ".tmp");
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      if (!f) throw io_error(fmt::format("{}: cannot create file", tmp.string()));
      const std::string head = npy::header("[('t', '<f8'), ('i', '<i4')]", {count});
      f.write(head.data(), static_cast<std::streamsize>(head.size()));
      if (part) {  // exactly the bytes counted in the header
        std::ifstream in(streams->part_path(k), std::ios::binary);
        if (!in) throw io_error(fmt::format("{}: cannot read the streamed spikes", streams->part_path(k)));
        std::vector<char> chunk(1 << 22);
        for (std::uint64_t left = part; left > 0;) {
          const auto n = static_cast<std::streamsize>(std::min<std::uint64_t>(left, chunk.size()));
          if (!in.read(chunk.data(), n)) throw io_error(fmt::format("{}: shorter than recorded", streams->part_path(k)));
          f.write(chunk.data(), n);
          left -= static_cast<std::uint64_t>(n);
        }
      }
      f.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (!f) throw io_error(fmt::format("{}: write failed (disk full?)", tmp.string()));
    }
    move_into_place(tmp, w.dir / name);
    w.files.push_back({{"name", name}, {"dtype", "[('t','<f8'),('i','<i4')]"}, {"shape", {count}},
                       {"description", fmt::format("spikes of {}: t = time (ms, end of step), i = neuron", pop_name(r.population))}});
  }
  for (const auto& r : rec.state_recorders) {
    const std::uint64_t samples = r.times.size();
    for (std::size_t v = 0; v < r.variables.size(); ++v)
      w.put(fmt::format("state_{}_{}.npy", pop_name(r.population), r.variables[v]), r.values[v], {samples, r.neurons.size()},
            fmt::format("{} of neurons {} of {} (samples x neurons)", r.variables[v], json(r.neurons).dump(), pop_name(r.population)));
    w.put(fmt::format("state_{}_times.npy", pop_name(r.population)), r.times, {}, "sample times (ms)");
  }
  for (const auto& r : rec.rate_recorders) {
    const double n = static_cast<double>(net.populations[static_cast<std::size_t>(r.population)].size);
    const double bin_s = static_cast<double>(r.bin_steps) * dt * 1e-3;
    std::vector<double> hz(r.counts.size());
    for (std::size_t b = 0; b < hz.size(); ++b) hz[b] = static_cast<double>(r.counts[b]) / (n * bin_s);
    w.put(fmt::format("rate_{}.npy", pop_name(r.population)), hz, {},
          fmt::format("population rate of {} (Hz) in bins of {} ms", pop_name(r.population), static_cast<double>(r.bin_steps) * dt));
  }
  for (const auto& r : rec.weight_recorders) {
    const std::string pn = net.projections[static_cast<std::size_t>(r.projection)].name;
    const std::uint64_t n_syn = r.pre.size();
    const std::string base = (r.var_index < 0 ? "weights" : r.variable) + "_" + pn;  // weights_P or rho_P
    w.put(base + ".npy", r.values, {r.times.size(), n_syn},
          r.var_index < 0 ? "weights (snapshots x synapses, CSR order)" : r.variable + " (snapshots x synapses, CSR order)");
    w.put(base + "_pre.npy", r.pre, {}, "presynaptic neuron of each synapse");
    w.put(base + "_post.npy", r.post, {}, "postsynaptic neuron of each synapse");
    w.put(base + "_times.npy", r.times, {}, "snapshot times (ms)");
  }

  json manifest;
  manifest["engram_version"] = version;
  manifest["git_commit"] = git_commit;
  manifest["model_file"] = info.model_file;
  try {
    manifest["model"] = info.model_json.empty() ? json(nullptr) : json::parse(info.model_json);
  } catch (const json::exception&) {
    manifest["model"] = nullptr;
  }
  manifest["seed"] = net.run.seed;
  manifest["backend"] = sim.backend_name();
  manifest["threads"] = sim.threads();
  if (const std::string isa = sim.instruction_set(); !isa.empty()) manifest["instruction_set"] = isa;
  manifest["dt"] = dt;
  const double bio_s = static_cast<double>(sim.steps_done()) * dt * 1e-3;
  const double this_run_s = static_cast<double>(sim.steps_done() - info.first_step) * dt * 1e-3;  // timed by this process
  manifest["duration"] = static_cast<double>(sim.steps_done()) * dt;
  manifest["timing"] = {{"build_s", sim.build_seconds},
                        {"simulate_s", info.simulate_seconds},
                        {"real_time_factor", this_run_s > 0 ? info.simulate_seconds / this_run_s : 0.0}};
  {
    const phase_times ph = sim.phase_seconds();
    json phases = json::object();
    for (std::size_t k = 0; k < ph.size(); ++k) phases[engine_phases[k]] = ph[k];
    manifest["timing"]["phases_s"] = phases;
  }
  {
    json stages = json::object();
    for (const auto& [name, s] : sim.build_stages) stages[name] = s;
    manifest["timing"]["build_stages_s"] = stages;
  }
  if (info.first_step) manifest["timing"]["resumed_at_ms"] = static_cast<double>(info.first_step) * dt;
  manifest["synapses"] = sim.synapse_count();
  manifest["bytes_per_synapse"] = sim.bytes_per_synapse();
  if (const std::uint64_t peak = peak_resident_bytes()) manifest["peak_memory_bytes"] = peak;
  json pops = json::object();
  for (std::size_t p = 0; p < net.populations.size(); ++p) {
    const double n = static_cast<double>(net.populations[p].size);
    pops[net.populations[p].name] = {{"size", net.populations[p].size},
                                     {"spikes", rec.spike_count[p]},
                                     {"rate_hz", bio_s > 0 ? static_cast<double>(rec.spike_count[p]) / (n * bio_s) : 0.0}};
  }
  manifest["populations"] = pops;
  // Synaptic events: every spike of a source population crosses each of its outgoing synapses.
  json projs = json::object();
  const auto sizes = sim.projection_sizes();
  double events = 0;
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto& pr = net.projections[j];
    const auto src = static_cast<std::size_t>(net.population_index(pr.source));
    const double per_neuron = static_cast<double>(sizes[j]) / static_cast<double>(net.populations[src].size);
    events += per_neuron * static_cast<double>(rec.spike_count[src]);
    projs[pr.name] = {{"source", pr.source}, {"target", pr.target}, {"receptor", pr.receptor}, {"synapses", sizes[j]}};
  }
  manifest["projections"] = projs;
  manifest["timing"]["synaptic_events"] = events;
  // After a resume the events of this process's part, pro rata (the spike counts cover the whole run).
  const double timed_events = bio_s > 0 ? events * this_run_s / bio_s : 0.0;
  manifest["timing"]["synaptic_events_per_s"] = info.simulate_seconds > 0 ? timed_events / info.simulate_seconds : 0.0;
  manifest["files"] = w.files;
  const fs::path tmp = w.dir / "manifest.json.tmp";
  {
    std::ofstream f(tmp);
    if (!f) throw io_error(fmt::format("{}: cannot write manifest", tmp.string()));
    f << manifest.dump(2) << "\n";
    if (!f) throw io_error(fmt::format("{}: write failed", tmp.string()));
  }
  move_into_place(tmp, w.dir / "manifest.json");
  // Last: until the manifest exists, a killed run can still be resumed from its part files.
  if (streams) streams->remove_parts();
}

}  // namespace engram
