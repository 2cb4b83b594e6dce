#pragma once
// Checked CUDA calls and launches (device code only: included by .cu files).
#include <cuda_runtime.h>

#include <string>

#include "engram/errors.hpp"

namespace engram::cuda_detail {

[[noreturn]] inline void throw_cuda(cudaError_t e, const char* what, const char* file, int line) {
  throw device_error(std::string(file) + ":" + std::to_string(line) + ": " + what + " failed: " + cudaGetErrorName(e) +
                     " (" + cudaGetErrorString(e) + ")");
}

}  // namespace engram::cuda_detail

// Every CUDA runtime call goes through this: on error it throws engram::device_error naming
// the file, the line and the CUDA error.
#define ENGRAM_CUDA_CHECK(expr)                                                            \
  do {                                                                                     \
    const cudaError_t engram_err_ = (expr);                                                \
    if (engram_err_ != cudaSuccess) ::engram::cuda_detail::throw_cuda(engram_err_, #expr, __FILE__, __LINE__); \
  } while (0)

// Every kernel launch goes through this wrapper: launch, then check the launch error.
#define ENGRAM_LAUNCH(kernel, grid, block, stream, ...)                                   \
  do {                                                                                     \
    kernel<<<(grid), (block), 0, (stream)>>>(__VA_ARGS__);                                 \
    ENGRAM_CUDA_CHECK(cudaGetLastError());                                                 \
  } while (0)
