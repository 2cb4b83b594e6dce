// Built when engram is compiled without a CUDA compiler.
#include "cuda_bridge.hpp"

#include "engram/errors.hpp"

namespace engram::cuda {
bool compiled() { return false; }
bool usable(std::string& why) {
  why = "engram was built without CUDA (ENGRAM_ENABLE_CUDA=OFF, or no nvcc at configure time)";
  return false;
}
std::unique_ptr<simulation> make_simulation(const network&) {
  throw backend_unavailable("the CUDA backend is not compiled into this build");
}
}  // namespace engram::cuda
