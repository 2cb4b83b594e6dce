#pragma once
// The order of one timestep, written once for every backend (DESIGN.md §2). A backend provides
// the phases; this template fixes their order.
#include <cstdint>
#include <vector>

#include "engram/config.hpp"

namespace engram {

inline constexpr std::uint64_t phase_sample_every = 64;
ENGRAM_HOST_DEVICE inline bool phase_timed(std::uint64_t t) { return t % phase_sample_every == 0; }

// Phase timers: on every phase_sample_every-th step, b.lap_start() before the first phase and
// b.lap(k) after phase k (engine_phases in simulation.hpp); backends add the time since the
// last of these to phase k and scale the totals to all steps. Only some steps are timed: a
// clock read costs ~0.1-1 µs on some machines, as much as a whole step of a one-synapse protocol.
// Host and device: the CPU backend calls it from its step loop, the CUDA backend from inside
// its persistent kernel (kernels/step_kernels.cuh), so both follow this one order.
template <class Backend>
ENGRAM_HOST_DEVICE void engine_step(Backend& b, std::uint64_t t) {
  const bool timed = phase_timed(t);
  if (timed) b.lap_start();
  b.deliver(t);            // 1. this step's ring-buffer slot -> per-port input
  if (timed) b.lap(0);
  b.stimulate(t);          // 2. Poisson, DC and step-current input
  if (timed) b.lap(1);
  b.update_neurons(t);     // 3. integrate, threshold, reset; ordered spike list
  if (timed) b.lap(2);
  b.propagate(t);          // 4. spikes -> targets' ring buffers at t + delay
  if (timed) b.lap(3);
  b.post_spike_plasticity(t);  // 5. spike history; weight rules at postsynaptic spikes (column index, ADR 0005)
  if (timed) b.lap(4);
  b.synapse_dynamics(t);   // 6. plasticity rules: state rules' traces then synapses (ADR 0004); weight rules at presynaptic spikes, then their traces (ADR 0005)
  if (timed) b.lap(5);
  b.slow_processes(t);     // 7. slow processes of rules (protein synthesis, late phase)
  if (timed) b.lap(6);
  b.record(t);             // 8. spikes, rates, probes, snapshots
  if (timed) b.lap(7);
}

// Phase 4: the ring-buffer row that a spike sent in the step of row `now` (= t % ring_len)
// reaches after `delay` < ring_len steps; a compare instead of a 64-bit division per synapse
// (dozens of instructions on a GPU).
ENGRAM_HOST_DEVICE inline std::uint64_t arrival_row(std::uint64_t now, std::uint16_t delay, std::uint64_t ring_len) {
  const std::uint64_t r = now + delay;
  return r >= ring_len ? r - ring_len : r;
}

// x mod m for step counters: a 32-bit division (~20 GPU instructions) while x < 2^32 steps
// (119 h at dt = 0.1 ms), else the 64-bit one (~70). The CUDA step kernel computes these per
// item and step in every thread, so they add up in networks of many projections or rules.
ENGRAM_HOST_DEVICE inline std::uint64_t step_mod(std::uint64_t x, std::uint64_t m) {
  return (x >> 32) == 0 && (m >> 32) == 0 ? static_cast<std::uint32_t>(x) % static_cast<std::uint32_t>(m) : x % m;
}

// The item that work index w (< prefix[n]) belongs to, given prefix[j] = the work of items
// 0 .. j - 1 (prefix[0] = 0; items without work have prefix[j] = prefix[j + 1]): the last
// j < n with prefix[j] <= w, so prefix[j] <= w < prefix[j + 1]. The CUDA step kernel deals the
// step's (projection, spike, lane) items to its threads this way (propagate).
ENGRAM_HOST_DEVICE inline int item_of(const std::uint64_t* prefix, int n, std::uint64_t w) {
  int lo = 0, hi = n;  // the first j in [0, n) with prefix[j] > w
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (prefix[mid] <= w) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

// log2 of the threads per spike when `spikes` rows or columns are walked on `budget` threads:
// as many as the budget gives each spike (a power of two), at least a warp, at most 2^max_lg
// (more lanes than synapses would idle). Few spikes of long columns (Morrison et al.: ~70
// spikes a step, 9 000 synapses each) get up to 1 024 threads each; many spikes a warp each.
ENGRAM_HOST_DEVICE inline unsigned walk_group_log2(std::uint64_t spikes, std::uint64_t budget, unsigned max_lg) {
  unsigned lg = max_lg < 5 ? max_lg : 5;
  while (lg < max_lg && (spikes << (lg + 1)) <= budget) ++lg;
  return lg;
}

// Where an item's share of a grid of `blocks` blocks of `block_size` threads starts, in
// threads, for an item whose share starts `start` / 2^16 of the way into the grid: whole
// blocks, so warps and thread groups of up to a block stay aligned. In 32 bits (start and
// blocks < 2^16).
ENGRAM_HOST_DEVICE inline std::uint32_t share_shift(std::uint32_t start, std::uint32_t blocks, std::uint32_t block_size) {
  return (start * blocks >> 16) * block_size;
}
// Item `item` of `items` (< 2^16) with equal shares.
ENGRAM_HOST_DEVICE inline std::uint32_t equal_share_start(std::uint32_t item, std::uint32_t items) { return (item << 16) / items; }
// Shares in proportion to each item's work (the neurons of each population): where each
// starts, in 2^-16 of the grid, so that items side by side tile the grid instead of
// overlapping where equal shares give a large item a small share (host).
inline std::vector<std::uint32_t> share_starts(const std::vector<double>& work) {
  double total = 0.0;
  for (double w : work) total += w;
  std::vector<std::uint32_t> starts;
  double before = 0.0;
  for (double w : work) {
    const double at = total > 0.0 ? before / total * 65536.0 : 0.0;
    starts.push_back(at < 65535.0 ? static_cast<std::uint32_t>(at) : 65535u);
    before += w;
  }
  return starts;
}

// The rank at which grid rank `tid` works on an item whose share starts `shift` ranks into a
// grid of `threads` ranks: a rotation, so every index of the item's loop is still visited once.
ENGRAM_HOST_DEVICE inline std::uint64_t rotated_rank(std::uint64_t tid, std::uint64_t shift, std::uint64_t threads) {
  return tid + shift < threads ? tid + shift : tid + shift - threads;
}

}  // namespace engram
