#pragma once
// The output folder of a run (DESIGN.md §1 layer 4): manifest.json plus .npy arrays.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engram/network.hpp"
#include "engram/simulation.hpp"

namespace engram {

// Spike recorders streamed to disk while a run goes, so that memory stays flat over hours:
// drain() moves the spikes recorded so far into OUT/spikes_<population>.npy.part (records of
// t float64 ms, i int32, as in the final file) and clears them from the recording;
// write_output() then makes spikes_<population>.npy from the part file plus what is still in
// memory. For checkpoints: positions() drains, flushes to disk and returns the part files'
// lengths; resume_at() truncates them back to a checkpoint's (whatever a killed run appended
// after its last checkpoint is dropped).
class spike_streams {
 public:
  // One part file per spike recorder in `dir` (created if needed): emptied when `fresh`, kept
  // for resume_at() otherwise.
  spike_streams(std::string dir, const network& net, const recording& rec, bool fresh = true);
  ~spike_streams();
  spike_streams(const spike_streams&) = delete;
  spike_streams& operator=(const spike_streams&) = delete;
  void drain(simulation& sim);
  std::uint64_t buffered(simulation& sim);  // spikes in memory, all recorders
  std::vector<std::uint64_t> positions(simulation& sim);
  void resume_at(const std::vector<std::uint64_t>& positions);
  std::string part_path(std::size_t recorder) const { return paths_.at(recorder); }
  void remove_parts();  // after write_output has copied them

 private:
  std::vector<std::string> paths_;
  std::vector<std::FILE*> files_;
  double dt_;
};

struct run_info {
  std::string model_file;
  std::string model_json;  // the model file's text, embedded in the manifest
  double simulate_seconds = 0.0;
  std::uint64_t first_step = 0;  // step this process started from (> 0 after `engram resume`)
};

// Writes every recorder's data and manifest.json into `dir` (created if needed). Files are
// written under temporary names and renamed, so a folder never holds half-written arrays.
// With `streams`, each spike file also holds what was streamed to its part file (then removed).
void write_output(const std::string& dir, const network& net, simulation& sim, const run_info& info,
                  spike_streams* streams = nullptr);

}  // namespace engram
