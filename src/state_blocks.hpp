#pragma once
// Helpers to put plain arrays and the recording into simulation::state_blocks and back. No fmt
// here: the CUDA backend's host code (nvcc) includes this header.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engram/errors.hpp"
#include "engram/recording.hpp"
#include "engram/simulation.hpp"

namespace engram {

template <class T>
std::vector<char> to_bytes(const std::vector<T>& v) {
  std::vector<char> b(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// Finds block `name` and copies it into `v`, which must already have the right size unless
// `resize` is true.
template <class T>
void from_block(const simulation::state_blocks& blocks, const std::string& name, std::vector<T>& v, bool resize = false) {
  for (const auto& [n, b] : blocks) {
    if (n != name) continue;
    if (resize) v.resize(b.size() / sizeof(T));
    if (b.size() != v.size() * sizeof(T))
      throw invalid_model("checkpoint block " + name + " holds " + std::to_string(b.size()) + " bytes, this simulation needs " +
                          std::to_string(v.size() * sizeof(T)) + ": the checkpoint belongs to another network");
    if (!b.empty()) std::memcpy(v.data(), b.data(), b.size());
    return;
  }
  throw invalid_model("checkpoint has no block " + name);
}

// Block names, the same for every backend, so a checkpoint written by one resumes on the other:
// pop<p>.<what> (soa, cursor, hist), proj<j>.<what> (weight), proj<j>.rule<k>_<what> (state, pre,
// post); besides "step", "ring" and the recording's.
inline std::string population_block(std::size_t p, const char* what) { return "pop" + std::to_string(p) + "." + what; }
inline std::string projection_block(std::size_t j, const char* what) { return "proj" + std::to_string(j) + "." + what; }
inline std::string rule_block(std::size_t j, std::size_t k, const char* what) {
  return "proj" + std::to_string(j) + ".rule" + std::to_string(k) + "_" + what;
}

// Spikes each source neuron has emitted: its cursor relative to its own train (ptr: the train
// starts, one more than neurons), so that a checkpoint stays valid when a resumed run is longer
// (Poisson trains then grow, and every neuron's train starts later in the schedule); and back.
inline std::vector<std::uint64_t> source_progress(const std::vector<std::uint64_t>& cursor, const std::vector<std::uint64_t>& ptr) {
  std::vector<std::uint64_t> v(cursor.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = cursor[i] - ptr[i];
  return v;
}
inline std::vector<std::uint64_t> cursors_from_progress(const std::vector<std::uint64_t>& progress, const std::vector<std::uint64_t>& ptr) {
  std::vector<std::uint64_t> v(progress.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::min(ptr[i] + progress[i], ptr[i + 1]);
  return v;
}

void export_recording(const recording& rec, simulation::state_blocks& out);
void import_recording(const simulation::state_blocks& in, recording& rec);

}  // namespace engram
