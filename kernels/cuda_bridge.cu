// Device discovery for the CUDA backend. Uses the static CUDA runtime only: without a driver
// or a device these calls fail cleanly and engram runs on the CPU.
#include <cuda_runtime.h>

#include <string>

#include "cuda_bridge.hpp"
#include "engram/errors.hpp"

namespace engram::cuda {

bool compiled() { return true; }

bool usable(std::string& why) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    why = std::string("no usable CUDA device: ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")";
    cudaGetLastError();
    return false;
  }
  if (count == 0) {
    why = "no CUDA device found";
    return false;
  }
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  why = std::string("the CUDA backend is not implemented yet in this version (device 0: ") + prop.name + ")";
  return false;
}

std::unique_ptr<simulation> make_simulation(const network&) {
  throw backend_unavailable("the CUDA backend is not implemented yet in this version");
}

}  // namespace engram::cuda
