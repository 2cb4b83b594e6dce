// Compiles every model-math header for the device, so host/device mistakes fail the build
// from day one, and offers a tiny kernel that the GPU tests use to compare device math with
// the host.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_check.cuh"
#include "math_probe.hpp"
#include "models/fixed_point.hpp"
#include "models/math.hpp"
#include "models/poisson.hpp"
#include "models/registry.hpp"
#include "models/sampling.hpp"

namespace engram::cuda_detail {

__global__ void math_probe_kernel(const double* x, double* exp_out, double* log_out, float* expf_out, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  exp_out[i] = math::exp(x[i]);
  log_out[i] = math::log(x[i] > 0 ? x[i] : -x[i] + 1e-300);
  expf_out[i] = math::expf(static_cast<float>(x[i]));
}

// One step of every neuron model, to instantiate update() for the device.
template <class M>
__global__ void neuron_step_kernel(real* soa, const typename M::derived d, const real* input, const real* i_stim,
                                   std::size_t n, unsigned* spiked) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  auto s = load_state<typename M::state>(soa, n, i);
  real in[M::n_ports];
  for (int k = 0; k < M::n_ports; ++k) in[k] = input[k * n + i];
  spiked[i] = M::update(s, d, in, i_stim[i]) ? 1u : 0u;
  store_state(soa, n, i, s);
}


__global__ void poisson_probe_kernel(std::uint64_t seed, std::uint32_t n, double lambda, double e, std::uint32_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out[i] = poisson_count(seed, 0, i, 7, 1, lambda, e);
}

namespace {
template <class T>
T* to_device(const std::vector<T>& v) {
  T* d = nullptr;
  ENGRAM_CUDA_CHECK(cudaMalloc(&d, v.size() * sizeof(T) + 1));
  ENGRAM_CUDA_CHECK(cudaMemcpy(d, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}
template <class T>
void to_host(std::vector<T>& v, const T* d) {
  ENGRAM_CUDA_CHECK(cudaMemcpy(v.data(), d, v.size() * sizeof(T), cudaMemcpyDeviceToHost));
}
unsigned blocks(std::size_t n) { return static_cast<unsigned>((n + 255) / 256); }
}  // namespace

bool device_present(std::string& why) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    why = std::string("no usable CUDA device: ") + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
    cudaGetLastError();
    return false;
  }
  if (count == 0) {
    why = "no CUDA device found";
    return false;
  }
  cudaDeviceProp prop{};
  const cudaError_t p = cudaGetDeviceProperties(&prop, 0);
  if (p != cudaSuccess) {
    why = std::string("cannot query CUDA device 0: ") + cudaGetErrorName(p);
    return false;
  }
  why = prop.name;
  return true;
}

void device_math(const std::vector<double>& x, std::vector<double>& exp_out, std::vector<double>& log_out,
                 std::vector<float>& expf_out) {
  const std::size_t n = x.size();
  exp_out.assign(n, 0);
  log_out.assign(n, 0);
  expf_out.assign(n, 0);
  double* dx = to_device(x);
  double* de = to_device(exp_out);
  double* dl = to_device(log_out);
  float* df = to_device(expf_out);
  ENGRAM_LAUNCH(math_probe_kernel, blocks(n), 256, 0, dx, de, dl, df, n);
  to_host(exp_out, de);
  to_host(log_out, dl);
  to_host(expf_out, df);
  ENGRAM_CUDA_CHECK(cudaFree(dx));
  ENGRAM_CUDA_CHECK(cudaFree(de));
  ENGRAM_CUDA_CHECK(cudaFree(dl));
  ENGRAM_CUDA_CHECK(cudaFree(df));
}

void device_neuron_steps(int model_index, const void* derived, std::size_t derived_bytes, std::vector<float>& soa,
                         std::size_t n, const std::vector<float>& input, const std::vector<float>& i_stim, int steps,
                         std::vector<unsigned>& spiked) {
  dispatch_model(model_index, [&]<class M>() {
    if (derived_bytes != sizeof(typename M::derived)) throw internal_error("derived size mismatch");
    typename M::derived d;
    std::memcpy(&d, derived, sizeof d);
    real* ds = to_device(soa);
    real* din = to_device(input);
    real* dstim = to_device(i_stim);
    std::vector<unsigned> one(n, 0);
    unsigned* dsp = to_device(one);
    spiked.clear();
    for (int k = 0; k < steps; ++k) {
      ENGRAM_LAUNCH(neuron_step_kernel<M>, blocks(n), 256, 0, ds, d, din + static_cast<std::size_t>(k) * M::n_ports * n, dstim, n, dsp);
      to_host(one, dsp);
      spiked.insert(spiked.end(), one.begin(), one.end());
    }
    to_host(soa, ds);
    ENGRAM_CUDA_CHECK(cudaFree(ds));
    ENGRAM_CUDA_CHECK(cudaFree(din));
    ENGRAM_CUDA_CHECK(cudaFree(dstim));
    ENGRAM_CUDA_CHECK(cudaFree(dsp));
  });
}

void device_poisson(std::uint64_t seed, std::uint32_t n, double lambda, std::vector<std::uint32_t>& out) {
  out.assign(n, 0);
  std::uint32_t* d = to_device(out);
  ENGRAM_LAUNCH(poisson_probe_kernel, blocks(n), 256, 0, seed, n, lambda, math::exp(-lambda), d);
  to_host(out, d);
  ENGRAM_CUDA_CHECK(cudaFree(d));
}

}  // namespace engram::cuda_detail
