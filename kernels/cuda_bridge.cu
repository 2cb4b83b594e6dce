// Device discovery for the CUDA backend. Uses the static CUDA runtime only: without a driver
// or a device these calls fail cleanly and engram runs on the CPU.
#include <cuda_runtime.h>

#include <string>

#include "cuda_bridge.hpp"
#include "engram/errors.hpp"
#include "math_probe.hpp"

namespace engram::cuda {

bool compiled() { return true; }

bool usable(std::string& why) { return cuda_detail::device_present(why); }

}  // namespace engram::cuda
