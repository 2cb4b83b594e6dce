#include "engram/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engram/errors.hpp"
#include "engram/version.hpp"
#include "state_blocks.hpp"

namespace engram {

namespace {

constexpr char magic[8] = {'E', 'N', 'G', 'R', 'A', 'M', 'C', 'K'};
// 2: rule blocks per rule of a projection's list (proj<j>.rule<k>_*); 3: spike-source cursors
// relative to each neuron's train, rule parameters in the fingerprint (2026-11-22); 4: rows of
// all_to_all, one_to_one and fixed_probability drawn in segments (models/connectivity_rows.hpp),
// storage in the fingerprint; 5: fixed_total_number in chunks of 2^12 instead of 2^20
// (models/connectivity_generators.hpp); 6: in chunks of 2^8. Each changed the synapses a model
// file builds (2026-11-23).
constexpr std::uint32_t format_version = 6;

std::uint64_t fnv1a(const char* data, std::size_t n, std::uint64_t h = 1469598103934665603ULL) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string describe(const distribution& d) {
  return fmt::format("{}:{}:{}:{}:{}:{}", static_cast<int>(d.type), d.a, d.b, d.low, d.high, static_cast<int>(d.bounds));
}

template <class T>
void put(std::string& s, const T& v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}

}  // namespace

std::uint64_t model_fingerprint(const network& net) {
  std::ostringstream o;
  o << "dt " << net.run.dt << " seed " << net.run.seed << "\n";
  for (const auto& p : net.populations) {
    o << "pop " << p.name << ' ' << p.model << ' ' << p.size;
    for (const auto& [k, v] : p.params) o << ' ' << k << '=' << v;
    for (const auto& [k, d] : p.initial) o << ' ' << k << '~' << describe(d);
    for (const auto& t : p.spike_times) o << ' ' << t.size();
    o << '\n';
  }
  for (const auto& pr : net.projections) {
    const auto& c = pr.conn;
    o << "proj " << pr.name << ' ' << pr.source << ' ' << pr.target << ' ' << pr.receptor << ' ' << static_cast<int>(c.type) << ' '
      << c.p << ' ' << c.n << ' ' << c.autapses << c.multapses << ' ' << c.pre.size() << ' ' << describe(pr.weight) << ' '
      << describe(pr.delay) << (pr.procedural ? " procedural" : "");
    for (const auto& rule : pr.plasticity) {
      o << " plastic " << rule.rule << '/' << rule.parameter_set;
      for (const auto& [k, v] : rule.params) o << ' ' << k << '=' << v;
    }
    o << '\n';
  }
  for (const auto& s : net.stimuli) o << "stim " << static_cast<int>(s.type) << ' ' << s.target << ' ' << s.neurons.size() << ' ' << s.rates.size() << '\n';
  for (const auto& r : net.recorders) o << "rec " << static_cast<int>(r.type) << ' ' << r.population << r.projection << ' ' << r.neurons.size() << '\n';
  const std::string s = o.str();
  return fnv1a(s.data(), s.size());
}

void save_checkpoint(simulation& sim, const network& net, const std::string& path, const simulation::state_blocks& extra) {
  simulation::state_blocks blocks = sim.export_state();
  blocks.insert(blocks.end(), extra.begin(), extra.end());
  std::string payload;
  put(payload, static_cast<std::uint64_t>(blocks.size()));
  for (const auto& [name, bytes] : blocks) {
    put(payload, static_cast<std::uint64_t>(name.size()));
    payload += name;
    put(payload, static_cast<std::uint64_t>(bytes.size()));
    payload.append(bytes.data(), bytes.size());
  }
  std::string header(magic, sizeof magic);
  put(header, format_version);
  put(header, model_fingerprint(net));
  put(header, static_cast<std::uint64_t>(payload.size()));
  put(header, fnv1a(payload.data(), payload.size()));
  // Write a temporary file, flush it to disk, then rename: a crash at any moment leaves
  // either the previous checkpoint or the new one, never half of one.
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw io_error(fmt::format("{}: cannot create checkpoint: {}", tmp, std::strerror(errno)));
  auto write_all = [&](const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
      if (w < 0) {
        ::close(fd);
        throw io_error(fmt::format("{}: write failed: {}", tmp, std::strerror(errno)));
      }
      done += static_cast<std::size_t>(w);
    }
  };
  write_all(header);
  write_all(payload);
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw io_error(fmt::format("{}: cannot flush checkpoint: {}", tmp, std::strerror(errno)));
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw io_error(fmt::format("{}: cannot move checkpoint into place: {}", path, ec.message()));
}

simulation::state_blocks restore_checkpoint(simulation& sim, const network& net, const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw io_error(fmt::format("{}: cannot open checkpoint", path));
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const std::size_t header_size = sizeof magic + 4 + 8 + 8 + 8;
  if (data.size() < header_size || std::memcmp(data.data(), magic, sizeof magic) != 0)
    throw invalid_model(fmt::format("{}: not an engram checkpoint", path));
  std::uint32_t file_version;
  std::uint64_t fingerprint, size, checksum;
  std::size_t at = sizeof magic;
  std::memcpy(&file_version, data.data() + at, 4), at += 4;
  std::memcpy(&fingerprint, data.data() + at, 8), at += 8;
  std::memcpy(&size, data.data() + at, 8), at += 8;
  std::memcpy(&checksum, data.data() + at, 8), at += 8;
  if (file_version != format_version)
    throw invalid_model(fmt::format("{}: checkpoint format version {} (this engram {} reads version {})", path, file_version,
                                    engram::version, format_version));
  if (fingerprint != model_fingerprint(net))
    throw invalid_model(fmt::format("{}: the checkpoint was written for another model (or other seed or dt)", path));
  if (data.size() - at != size || fnv1a(data.data() + at, size) != checksum)
    throw invalid_model(fmt::format("{}: checkpoint is corrupt (size or checksum mismatch)", path));
  simulation::state_blocks blocks;
  auto get = [&](std::uint64_t& v) {
    if (at + 8 > data.size()) throw invalid_model(fmt::format("{}: checkpoint is truncated", path));
    std::memcpy(&v, data.data() + at, 8);
    at += 8;
  };
  std::uint64_t count = 0, len = 0;
  get(count);
  for (std::uint64_t k = 0; k < count; ++k) {
    get(len);
    std::string name = data.substr(at, len);
    at += len;
    get(len);
    if (at + len > data.size()) throw invalid_model(fmt::format("{}: checkpoint is truncated", path));
    blocks.emplace_back(std::move(name), std::vector<char>(data.begin() + static_cast<std::ptrdiff_t>(at),
                                                           data.begin() + static_cast<std::ptrdiff_t>(at + len)));
    at += len;
  }
  sim.import_state(blocks);
  return blocks;
}

void export_recording(const recording& rec, simulation::state_blocks& out) {
  out.emplace_back("rec.spike_count", to_bytes(rec.spike_count));
  for (std::size_t r = 0; r < rec.spike_recorders.size(); ++r) {
    out.emplace_back(fmt::format("rec.spikes{}.step", r), to_bytes(rec.spike_recorders[r].step));
    out.emplace_back(fmt::format("rec.spikes{}.neuron", r), to_bytes(rec.spike_recorders[r].neuron));
  }
  for (std::size_t r = 0; r < rec.state_recorders.size(); ++r) {
    out.emplace_back(fmt::format("rec.state{}.times", r), to_bytes(rec.state_recorders[r].times));
    for (std::size_t v = 0; v < rec.state_recorders[r].values.size(); ++v)
      out.emplace_back(fmt::format("rec.state{}.values{}", r, v), to_bytes(rec.state_recorders[r].values[v]));
  }
  for (std::size_t r = 0; r < rec.rate_recorders.size(); ++r)
    out.emplace_back(fmt::format("rec.rate{}", r), to_bytes(rec.rate_recorders[r].counts));
  for (std::size_t r = 0; r < rec.weight_recorders.size(); ++r) {
    out.emplace_back(fmt::format("rec.weights{}.values", r), to_bytes(rec.weight_recorders[r].values));
    out.emplace_back(fmt::format("rec.weights{}.pre", r), to_bytes(rec.weight_recorders[r].pre));
    out.emplace_back(fmt::format("rec.weights{}.post", r), to_bytes(rec.weight_recorders[r].post));
  }
}

void import_recording(const simulation::state_blocks& in, recording& rec) {
  from_block(in, "rec.spike_count", rec.spike_count);
  for (std::size_t r = 0; r < rec.spike_recorders.size(); ++r) {
    from_block(in, fmt::format("rec.spikes{}.step", r), rec.spike_recorders[r].step, true);
    from_block(in, fmt::format("rec.spikes{}.neuron", r), rec.spike_recorders[r].neuron, true);
  }
  for (std::size_t r = 0; r < rec.state_recorders.size(); ++r) {
    from_block(in, fmt::format("rec.state{}.times", r), rec.state_recorders[r].times, true);
    for (std::size_t v = 0; v < rec.state_recorders[r].values.size(); ++v)
      from_block(in, fmt::format("rec.state{}.values{}", r, v), rec.state_recorders[r].values[v], true);
  }
  for (auto& r : rec.rate_recorders) {  // a resumed run may be longer: its extra bins start empty
    const std::size_t bins = r.counts.size();
    from_block(in, fmt::format("rec.rate{}", &r - rec.rate_recorders.data()), r.counts, true);
    r.counts.resize(bins, 0);
  }
  for (std::size_t r = 0; r < rec.weight_recorders.size(); ++r) {
    from_block(in, fmt::format("rec.weights{}.values", r), rec.weight_recorders[r].values, true);
    from_block(in, fmt::format("rec.weights{}.pre", r), rec.weight_recorders[r].pre, true);
    from_block(in, fmt::format("rec.weights{}.post", r), rec.weight_recorders[r].post, true);
  }
}

}  // namespace engram
