#pragma once
// Helpers to put plain arrays and the recording into simulation::state_blocks and back. No fmt
// here: the CUDA backend's host code (nvcc) includes this header.
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

void export_recording(const recording& rec, simulation::state_blocks& out);
void import_recording(const simulation::state_blocks& in, recording& rec);

}  // namespace engram
