#pragma once
// The kernels of one timestep. Phases 1-3 of engine.hpp (deliver, stimulate, update) are
// fused into one kernel per population, in the CPU backend's order and with the same shared
// model math; propagation is one kernel per projection. Every kernel reads the step number
// from device memory, so one captured CUDA graph serves every step.
#include <cstdint>

#include "models/fixed_point.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/poisson.hpp"

namespace engram::cuda_detail {

// A stimulus acting on one population (Poisson input or a current), device pointers.
struct stim_desc {
  int type = 0;  // 0: Poisson, 1: current
  int port = 0;
  std::uint32_t id = 0;              // stimulus index (RNG key)
  const std::int32_t* map = nullptr;  // neuron -> entry in the stimulus' neuron list, -1 if absent; null: all
  int per_neuron = 0;                // Poisson rates per entry
  const std::uint32_t* chunks = nullptr;
  const double* chunk_lambda = nullptr;
  const double* exp_minus = nullptr;
  float weight = 0;
  std::uint64_t start = 0, stop = 0;  // Poisson: active steps [start, stop)
  const std::uint64_t* change_steps = nullptr;  // current: amplitude[k] from change_steps[k] on
  const float* amplitudes = nullptr;
  int n_changes = 0;
};

struct clock_view {
  const std::uint64_t* step;        // steps done before this one = this step's index
  const std::uint32_t* local_step;  // steps since the last flush of recording buffers
};

struct spike_out {
  std::uint32_t* list[2];   // this step's spikes (unordered), double-buffered by step parity
  std::uint32_t* count;     // [2]
  std::uint32_t* step_counts;  // spikes per step since the last flush
  std::uint32_t* rec_buf;      // (local step, neuron) pairs, or null if not recorded
  unsigned long long* rec_offset;
  std::uint64_t rec_capacity;  // pairs
  std::uint32_t* error;        // bit 0: NaN state, bit 1: recording overflow
};

__device__ inline void append_spike(bool fired, std::uint32_t i, const spike_out& o, std::uint32_t parity,
                                    std::uint32_t local_step) {
  const unsigned mask = __ballot_sync(0xffffffffu, fired);
  if (!mask) return;
  const unsigned lane = threadIdx.x & 31u;
  const unsigned leader = __ffs(mask) - 1;
  const unsigned n = __popc(mask);
  unsigned base = 0;
  unsigned long long rbase = 0;
  if (lane == leader) {
    base = atomicAdd(&o.count[parity], n);
    atomicAdd(&o.step_counts[local_step], n);
    if (o.rec_buf) rbase = atomicAdd(o.rec_offset, static_cast<unsigned long long>(n));
  }
  base = __shfl_sync(0xffffffffu, base, leader);
  rbase = __shfl_sync(0xffffffffu, rbase, leader);
  if (fired) {
    const unsigned rank = __popc(mask & ((1u << lane) - 1u));
    o.list[parity][base + rank] = i;
    if (o.rec_buf) {
      const unsigned long long at = rbase + rank;
      if (at < o.rec_capacity) {
        o.rec_buf[2 * at] = local_step;
        o.rec_buf[2 * at + 1] = i;
      } else {
        atomicOr(o.error, 2u);
      }
    }
  }
}

template <class M>
__global__ void population_step(typename M::derived d, real* soa, std::uint64_t n, std::int64_t* ring,
                                std::uint64_t ring_len, const stim_desc* stims, int n_stims, std::uint64_t seed,
                                clock_view clk, spike_out out) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  const std::uint64_t t = *clk.step;
  const std::uint32_t parity = static_cast<std::uint32_t>(t & 1u);
  if (i == 0) out.count[parity ^ 1u] = 0;  // next step's list; last read by the previous step
  bool fired = false;
  if (i < n) {
    const std::uint64_t slot = t % ring_len;
    real in[M::n_ports];
    for (int p = 0; p < M::n_ports; ++p) {
      std::int64_t& cell = ring[(static_cast<std::uint64_t>(p) * ring_len + slot) * n + i];
      in[p] = from_fixed(cell);
      cell = 0;
    }
    real i_stim = 0;
    for (int k = 0; k < n_stims; ++k) {
      const stim_desc& s = stims[k];
      const std::int32_t entry = s.map ? s.map[i] : static_cast<std::int32_t>(i);
      if (entry < 0) continue;
      if (s.type == 0) {
        if (t < s.start || t >= s.stop) continue;
        const int r = s.per_neuron ? entry : 0;
        const std::uint32_t c = poisson_count(seed, s.id, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(t),
                                              s.chunks[r], s.chunk_lambda[r], s.exp_minus[r]);
        if (c) in[s.port] += static_cast<real>(c) * s.weight;
      } else {
        int lo = 0, hi = s.n_changes;  // first change step > t
        while (lo < hi) {
          const int mid = (lo + hi) / 2;
          if (s.change_steps[mid] <= t) lo = mid + 1;
          else hi = mid;
        }
        if (lo > 0) {
          const real a = s.amplitudes[lo - 1];
          if (a != real(0)) i_stim += a;
        }
      }
    }
    auto st = load_state<typename M::state>(soa, n, i);
    fired = M::update(st, d, in, i_stim);
    store_state(soa, n, i, st);
    if (!(st.v == st.v)) atomicOr(out.error, 1u);
  }
  append_spike(fired, static_cast<std::uint32_t>(i), out, parity, *clk.local_step);
}

__global__ void spike_source_step(std::uint64_t n, const std::uint64_t* ptr, const std::uint64_t* steps,
                                  std::uint64_t* cursor, clock_view clk, spike_out out) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  const std::uint64_t t = *clk.step;
  const std::uint32_t parity = static_cast<std::uint32_t>(t & 1u);
  if (i == 0) out.count[parity ^ 1u] = 0;
  bool fired = false;
  if (i < n) {
    std::uint64_t c = cursor[i];
    while (c < ptr[i + 1] && steps[c] == t) {
      ++c;
      fired = true;
    }
    cursor[i] = c;
  }
  append_spike(fired, static_cast<std::uint32_t>(i), out, parity, *clk.local_step);
}

// Warp per spike: the lanes walk the spike's CSR row and add its weights, in fixed point,
// into the target's ring buffer at t + delay. Integer atomics: the sum is order-independent.
__global__ void propagate_warp_per_spike(const std::uint32_t* list0, const std::uint32_t* list1, const std::uint32_t* count,
                                         const std::uint64_t* row_ptr, const std::uint32_t* target, const float* weight,
                                         const std::uint16_t* delay, std::int64_t* ring, std::uint64_t ring_len,
                                         std::uint64_t n_target, clock_view clk) {
  const std::uint64_t t = *clk.step;
  const std::uint32_t parity = static_cast<std::uint32_t>(t & 1u);
  const std::uint32_t spikes = count[parity];
  const std::uint32_t* list = parity ? list1 : list0;
  const unsigned lane = threadIdx.x & 31u;
  const std::uint64_t warp = (blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x) >> 5;
  const std::uint64_t warps = (static_cast<std::uint64_t>(gridDim.x) * blockDim.x) >> 5;
  for (std::uint64_t k = warp; k < spikes; k += warps) {
    const std::uint32_t pre = list[k];
    const std::uint64_t end = row_ptr[pre + 1];
    for (std::uint64_t s = row_ptr[pre] + lane; s < end; s += 32) {
      const std::uint64_t slot = (t + delay[s]) % ring_len;
      atomicAdd(reinterpret_cast<unsigned long long*>(&ring[slot * n_target + target[s]]),
                static_cast<unsigned long long>(to_fixed(weight[s])));
    }
  }
}

__global__ void advance_clock(std::uint64_t* step, std::uint32_t* local_step) {
  ++*step;
  ++*local_step;
}

// State probes: values of chosen (variable, neuron) cells into row `sample` of a buffer.
__global__ void gather_probes(const real* soa, const std::uint64_t* cells, std::uint64_t n_cells, real* buf,
                              std::uint64_t sample) {
  const std::uint64_t k = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (k < n_cells) buf[sample * n_cells + k] = soa[cells[k]];
}

}  // namespace engram::cuda_detail
