#pragma once
// Spike-train statistics for the network tests (P-NET-1/2): rates, CV(ISI), synchrony, the
// peak of the population-rate spectrum.
#include <cmath>
#include <cstdint>
#include <vector>

#include "engram/recording.hpp"

namespace engram::test {

// Per-neuron spike steps of one spike recorder.
inline std::vector<std::vector<std::uint64_t>> trains(const recording::spikes& r, std::uint64_t n) {
  std::vector<std::vector<std::uint64_t>> t(n);
  for (std::size_t k = 0; k < r.step.size(); ++k) t[r.neuron[k]].push_back(r.step[k]);
  return t;
}

// Mean CV of inter-spike intervals over neurons with at least 3 spikes.
inline double mean_cv(const std::vector<std::vector<std::uint64_t>>& trains) {
  double sum = 0;
  int count = 0;
  for (const auto& t : trains) {
    if (t.size() < 3) continue;
    double m = 0, m2 = 0;
    const double k = static_cast<double>(t.size() - 1);
    for (std::size_t i = 1; i < t.size(); ++i) m += static_cast<double>(t[i] - t[i - 1]);
    m /= k;
    for (std::size_t i = 1; i < t.size(); ++i) m2 += std::pow(static_cast<double>(t[i] - t[i - 1]) - m, 2);
    sum += std::sqrt(m2 / k) / m;
    ++count;
  }
  return count ? sum / count : 0.0;
}

// Population spike counts per bin of `bin_steps` steps, from `from_step` on.
inline std::vector<double> population_counts(const recording::spikes& r, std::uint64_t steps, std::uint64_t bin_steps,
                                             std::uint64_t from_step = 0) {
  std::vector<double> c((steps - from_step) / bin_steps, 0.0);
  for (auto s : r.step)
    if (s >= from_step && (s - from_step) / bin_steps < c.size()) c[(s - from_step) / bin_steps] += 1;
  return c;
}

// Synchrony chi = sqrt(Var(population-average count) / mean over neurons of Var(count)), for
// the first `n_neurons` neurons in bins of `bin_steps` (Golomb 2007). An asynchronous network
// gives chi ~ 1/sqrt(n_neurons); full synchrony gives 1.
inline double synchrony(const recording::spikes& r, std::uint64_t steps, std::uint64_t bin_steps, std::uint32_t n_neurons,
                        std::uint64_t from_step = 0) {
  const std::size_t bins = (steps - from_step) / bin_steps;
  std::vector<std::vector<double>> x(n_neurons, std::vector<double>(bins, 0.0));
  for (std::size_t k = 0; k < r.step.size(); ++k)
    if (r.neuron[k] < n_neurons && r.step[k] >= from_step && (r.step[k] - from_step) / bin_steps < bins)
      x[r.neuron[k]][(r.step[k] - from_step) / bin_steps] += 1;
  auto var = [](const std::vector<double>& v) {
    double m = 0, m2 = 0;
    for (double a : v) m += a;
    m /= static_cast<double>(v.size());
    for (double a : v) m2 += (a - m) * (a - m);
    return m2 / static_cast<double>(v.size());
  };
  std::vector<double> avg(bins, 0.0);
  double mean_var = 0;
  for (const auto& xi : x) {
    for (std::size_t b = 0; b < bins; ++b) avg[b] += xi[b] / n_neurons;
    mean_var += var(xi) / n_neurons;
  }
  return mean_var > 0 ? std::sqrt(var(avg) / mean_var) : 0.0;
}

// Frequency (Hz) of the largest peak of the power spectrum of `signal` (sampled every
// `bin_ms`) between f_min and f_max, by a direct DFT with 1 Hz resolution.
inline double spectrum_peak(const std::vector<double>& signal, double bin_ms, double f_min, double f_max) {
  double mean = 0;
  for (double v : signal) mean += v;
  mean /= static_cast<double>(signal.size());
  double best_f = 0, best_p = -1;
  for (double f = f_min; f <= f_max; f += 1.0) {
    double re = 0, im = 0;
    for (std::size_t k = 0; k < signal.size(); ++k) {
      const double ph = 2 * M_PI * f * static_cast<double>(k) * bin_ms * 1e-3;
      re += (signal[k] - mean) * std::cos(ph);
      im += (signal[k] - mean) * std::sin(ph);
    }
    const double p = re * re + im * im;
    if (p > best_p) {
      best_p = p;
      best_f = f;
    }
  }
  return best_f;
}

}  // namespace engram::test
