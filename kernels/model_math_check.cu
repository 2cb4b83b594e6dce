// Compiles every model-math header for the device, so host/device mistakes fail the build
// from day one, and offers a tiny kernel that the GPU tests use to compare device math with
// the host.
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

template __global__ void neuron_step_kernel<neurons::lif_delta>(real*, const neurons::lif_delta::derived, const real*, const real*, std::size_t, unsigned*);
template __global__ void neuron_step_kernel<neurons::lif_curr_exp>(real*, const neurons::lif_curr_exp::derived, const real*, const real*, std::size_t, unsigned*);
template __global__ void neuron_step_kernel<neurons::lif_cond_exp>(real*, const neurons::lif_cond_exp::derived, const real*, const real*, std::size_t, unsigned*);
template __global__ void neuron_step_kernel<neurons::adex_cond_exp>(real*, const neurons::adex_cond_exp::derived, const real*, const real*, std::size_t, unsigned*);

__global__ void poisson_probe_kernel(std::uint64_t seed, std::uint32_t n, double lambda, double e, std::uint32_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  out[i] = poisson_count(seed, 0, i, 7, 1, lambda, e);
}

}  // namespace engram::cuda_detail
