// Host/device parity of the shared model math (DESIGN.md §3): engram's exp/log, every neuron
// model's update and the Poisson sampler give bit-identical results on the GPU and the CPU.
// Skipped, with the reason, where no CUDA device is usable.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "kernels/math_probe.hpp"
#include "model_params.hpp"
#include "models/math.hpp"
#include "models/poisson.hpp"
#include "models/registry.hpp"

using namespace engram;

namespace {
bool have_device() {
  std::string why;
  if (cuda_detail::device_present(why)) return true;
  std::printf("skipping: %s\n", why.c_str());
  return false;
}
}  // namespace

TEST(DeviceParity, ExpLogBitIdentical) {
  if (!have_device()) GTEST_SKIP() << "no usable CUDA device";
  std::vector<double> x;
  for (double v = -745; v < 710; v += 0.0731) x.push_back(v);
  std::vector<double> e, l;
  std::vector<float> f;
  cuda_detail::device_math(x, e, l, f);
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(e[i], math::exp(x[i])) << x[i];
    ASSERT_EQ(l[i], math::log(x[i] > 0 ? x[i] : -x[i] + 1e-300)) << x[i];
    ASSERT_EQ(f[i], math::expf(static_cast<float>(x[i]))) << x[i];
  }
}

// Every model, 2000 neurons with random states around threshold and random input, 200 steps:
// identical state bits and spikes.
TEST(DeviceParity, NeuronUpdatesBitIdentical) {
  if (!have_device()) GTEST_SKIP() << "no usable CUDA device";
  const std::size_t n = 2000;
  const int steps = 200;
  for (int model = 0; model < neuron_models::size; ++model) {
    dispatch_model(model, [&]<class M>() {
      const auto p = make_params<M>({});
      const typename M::derived d = M::derive(p, 0.1);
      const int n_vars = sizeof(typename M::state) / sizeof(real);
      std::mt19937 gen(123 + model);
      std::uniform_real_distribution<float> u(0.f, 1.f);
      std::vector<float> soa(static_cast<std::size_t>(n_vars) * n);
      for (std::size_t i = 0; i < n; ++i) {
        auto s = M::initial(p);
        s.v = static_cast<real>(p.V_reset) + u(gen) * 12.0f;
        store_state(soa.data(), n, i, s);
      }
      std::vector<float> input(static_cast<std::size_t>(steps) * M::n_ports * n), stim(n);
      for (auto& x : input) x = u(gen) < 0.1f ? u(gen) * 5.0f : 0.0f;
      for (auto& x : stim) x = 300.0f + u(gen) * 1200.0f;  // pA: suprathreshold for every model
      std::vector<float> host = soa;
      std::vector<unsigned> host_spikes;
      for (int k = 0; k < steps; ++k)
        for (std::size_t i = 0; i < n; ++i) {
          auto s = load_state<typename M::state>(host.data(), n, i);
          real in[M::n_ports];
          for (int q = 0; q < M::n_ports; ++q) in[q] = input[(static_cast<std::size_t>(k) * M::n_ports + q) * n + i];
          host_spikes.push_back(M::update(s, d, in, stim[i]) ? 1u : 0u);
          store_state(host.data(), n, i, s);
        }
      std::vector<unsigned> dev_spikes;
      cuda_detail::device_neuron_steps(model, &d, sizeof d, soa, n, input, stim, steps, dev_spikes);
      EXPECT_EQ(dev_spikes, host_spikes) << M::name;
      EXPECT_EQ(0, std::memcmp(soa.data(), host.data(), soa.size() * sizeof(float))) << M::name;
      std::size_t total = 0;
      for (auto s : host_spikes) total += s;
      EXPECT_GT(total, 100u) << M::name << ": the test must cross threshold";
    });
  }
}

TEST(DeviceParity, PoissonCountsIdentical) {
  if (!have_device()) GTEST_SKIP() << "no usable CUDA device";
  std::vector<std::uint32_t> dev;
  cuda_detail::device_poisson(99, 100000, 2.5, dev);
  for (std::uint32_t i = 0; i < dev.size(); ++i)
    ASSERT_EQ(dev[i], poisson_count(99, 0, i, 7, 1, 2.5, math::exp(-2.5))) << i;
}
