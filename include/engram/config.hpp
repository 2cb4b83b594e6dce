#pragma once
// Host/device annotation for model math shared by the CPU backend and the CUDA kernels.
// No CUDA header is included: __CUDACC__ is defined by nvcc itself.
#if defined(__CUDACC__)
#define ENGRAM_HOST_DEVICE __host__ __device__
#else
#define ENGRAM_HOST_DEVICE
#endif

#include <cstdint>

namespace engram {
// Neuron and synapse state is single precision (GPU bandwidth); propagators and
// everything computed once on the host are double and rounded once.
using real = float;
}  // namespace engram
