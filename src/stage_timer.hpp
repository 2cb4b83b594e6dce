#pragma once
// Wall-clock time of the stages of a build (the manifest's timing.build_stages_s), so that a
// slow build says where its time goes: the connectivity, the column index, uploads, the CUDA
// context. Host code only.
#include <chrono>
#include <string>

#include "engram/simulation.hpp"

namespace engram {

class stage_timer {
 public:
  explicit stage_timer(build_stage_times& stages) : stages_(stages), last_(clock::now()) {}
  // Adds the time since the last mark (or the start) to `stage`, summed when a name repeats.
  void mark(const std::string& stage) {
    const auto now = clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    for (auto& [name, t] : stages_)
      if (name == stage) {
        t += s;
        return;
      }
    stages_.emplace_back(stage, s);
  }

 private:
  using clock = std::chrono::steady_clock;
  build_stage_times& stages_;
  clock::time_point last_;
};

}  // namespace engram
