#pragma once
// The output folder of a run (DESIGN.md §1 layer 4): manifest.json plus .npy arrays.
#include <string>

#include "engram/network.hpp"
#include "engram/simulation.hpp"

namespace engram {

struct run_info {
  std::string model_file;
  std::string model_json;  // the model file's text, embedded in the manifest
  double simulate_seconds = 0.0;
};

// Writes every recorder's data and manifest.json into `dir` (created if needed). Files are
// written under temporary names and renamed, so a folder never holds half-written arrays.
void write_output(const std::string& dir, const network& net, simulation& sim, const run_info& info);

}  // namespace engram
