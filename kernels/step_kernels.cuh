#pragma once
// The CUDA backend's timestep, run by one persistent cooperative kernel for many steps at a
// time: the kernel calls engine_step() (src/engine.hpp) with a device-side backend whose
// phases are grid-stride loops separated by grid-wide barriers. Phases 1-3 (deliver,
// stimulate, update) are fused per neuron, in the CPU backend's order and with the same
// shared model math; propagation walks CSR rows with a group of threads per spike.
#include <cooperative_groups.h>

#include <cstdint>
#include <cstring>

#include "engine.hpp"
#include "models/connectivity_rows.hpp"
#include "models/fixed_point.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/registry.hpp"
#include "models/poisson.hpp"
#include "models/registry.hpp"
#include "weight_rule_view.hpp"

namespace engram::cuda_detail {

namespace cg = cooperative_groups;

// A stimulus acting on one population (Poisson input or a current), device pointers.
struct stim_desc {
  int type = 0;  // 0: Poisson, 1: current
  int port = 0;
  std::uint32_t id = 0;               // stimulus index (RNG key)
  const std::int32_t* map = nullptr;  // neuron -> entry in the stimulus' neuron list, -1 if absent; null: all
  int per_neuron = 0;                 // Poisson rates per entry
  const std::uint32_t* chunks = nullptr;
  const double* chunk_lambda = nullptr;
  const double* exp_minus = nullptr;
  float weight = 0;
  std::uint64_t start = 0, stop = 0;            // Poisson: active steps [start, stop)
  const std::uint64_t* change_steps = nullptr;  // current: amplitude[k] from change_steps[k] on
  const float* amplitudes = nullptr;
  int n_changes = 0;
};

// A population's spike lists: step t's spikes (unordered) in slot t mod `slots`, kept for as
// many steps as plasticity rules read them late (plasticity_setup.hpp: spike_list_slots).
struct spike_out {
  std::uint32_t* list;         // slots x n
  std::uint32_t* count;        // [slots]
  std::uint32_t slots = 3;      // >= 3 (spike_list_slots): propagate's barrier may be skipped
  std::uint32_t* step_counts;  // spikes per step since the last flush
  std::uint32_t* rec_buf;      // (local step, neuron) pairs, or null if not recorded
  unsigned long long* rec_offset;
  std::uint64_t rec_capacity;  // pairs
};

constexpr int max_derived_bytes = 256;

struct pop_desc {
  int model = -1;  // index in neuron_models; -1: spike source
  std::uint64_t n = 0;
  real* soa = nullptr;
  std::int64_t* ring = nullptr;
  const stim_desc* stims = nullptr;
  int n_stims = 0;
  spike_out out{};
  const std::uint64_t* src_ptr = nullptr;
  const std::uint64_t* src_steps = nullptr;
  std::uint64_t* src_cursor = nullptr;
  std::uint8_t* hist = nullptr;  // spike flags of the last hist_len steps (plasticity rules)
  std::uint64_t hist_len = 0;
  int pushes = 0;  // outgoing projections whose rows update_neurons walks (proj_desc::push)
  std::uint32_t share_start = 0;  // where its share of the grid starts, in 2^-16 (share_starts by neurons)
  int probes = 0;  // state probes of this population (sampled in update_neurons)
  alignas(16) unsigned char derived[max_derived_bytes];
};

constexpr int max_rule_derived_bytes = 160;

// One plasticity rule of a projection: its per-synapse state (state rules), its traces per
// source and target neuron, and for state rules the largest postsynaptic bound per step parity
// (float bits; bounds are >= 0) and the per-neuron sums of their slow processes.
struct rule_desc {
  int rule = -1;            // index in plasticity_rules
  int sync_after = 0;       // another rule of the projection changes the same weights at the same spikes
  std::uint32_t pairing_start = 0;  // a pairing rule: its equal share among the pairing rules, in 2^-16 of the grid
  real* state = nullptr;
  real* pre = nullptr;
  real* post = nullptr;
  unsigned* post_bound = nullptr;          // [2]
  unsigned long long* post_sum = nullptr;  // per target neuron, fixed point
  alignas(16) unsigned char derived[max_rule_derived_bytes];
};

struct alignas(16) proj_desc {  // 16: the rule descriptors follow it in shared memory
  int source = 0;
  std::uint32_t group = 32;  // threads per spike (power of two: 32..256 for tables, 1..32 procedural)
  // Rows short enough for one warp (group 32), stored, delivering their stored weights: walked
  // in update_neurons by the warp that found the spike, not in the propagation phase after a
  // grid barrier (push_rows).
  int push = 0;
  const std::uint64_t* row_ptr = nullptr;
  const std::uint32_t* target = nullptr;
  float* weight = nullptr;  // weight rules change it
  const std::uint16_t* delay = nullptr;
  const row_rule* rows = nullptr;  // procedural: rows regenerated at each spike, none stored
  std::int64_t* ring = nullptr;  // target population's ring at this projection's port
  std::uint64_t n_target = 0;
  int target_pop = 0;
  std::uint64_t n_source = 0, n_syn = 0;
  // Plasticity: rules first_rule .. first_rule + n_rules of step_args::rules, in list order;
  // state_rule (an index there, or -1) is the one whose efficacy scales the weight.
  int first_rule = 0, n_rules = 0, state_rule = -1;
  // Column index (synapse_table.hpp) when a rule acts at postsynaptic spikes. Pairing rules
  // walk columns and rows with up to col_group and row_walk_group threads per spike (powers of
  // two, from the mean lengths; for_each_spike_ago).
  std::uint32_t col_group = 32, row_walk_group = 32;
  const std::uint64_t* col_ptr = nullptr;
  const std::uint64_t* col_synapse = nullptr;
  const std::uint32_t* col_source = nullptr;
};

// A state probe: variables vars[0 .. n_vars) of n_neurons neurons of population `pop`, sampled
// by the thread that updates each neuron (device_engine::sample_neuron).
struct probe_desc {
  int pop = 0;
  const std::int32_t* position = nullptr;  // per neuron of the population: its place in the probe's list, or -1
  const int* vars = nullptr;               // state field indices
  int n_vars = 0;
  std::uint64_t n_neurons = 0;
  std::uint64_t n_cells = 0;   // n_vars x n_neurons, variable-major
  real* buf = nullptr;         // samples x cells since the last flush
  std::uint64_t interval = 1;  // steps
};

struct step_args {
  const pop_desc* pops;
  int n_pops;
  const proj_desc* projs;
  int n_projs;
  const rule_desc* rules;
  int n_rules;
  const probe_desc* probes;
  int n_probes;
  std::uint64_t ring_len;
  std::uint64_t seed;
  std::uint64_t first_step, n_steps;
  std::uint64_t flush_base;  // step at the last flush of recording buffers
  int n_plastic;             // plastic projections (0: the plasticity phases are skipped)
  int n_pairing;             // rules that act at postsynaptic spikes (0: phase 5 is skipped)
  std::uint32_t* error;      // bit 0: NaN state, bit 1: recording overflow
  unsigned long long* phase_ns;  // per phase of engine.hpp: ns spent in timed steps, then their count
  std::uint32_t* spikes;         // shared memory, per population: this step's spike count (propagate)
  std::uint64_t* prefix;         // shared memory, n_projs + 1: the step's work items before each projection (propagate)
  const std::uint32_t** lists;   // shared memory, per population: this step's spike list (propagate)
};

__device__ inline std::uint64_t device_clock_ns() {
  std::uint64_t ns;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(ns));
  return ns;
}

// Appends neuron i to this step's list (`list`, length `count`) if it fired, a warp at a time.
__device__ inline void append_spike(bool fired, std::uint32_t i, const spike_out& o, std::uint32_t* list, std::uint32_t* count,
                                    std::uint32_t local_step, std::uint32_t* error) {
  const unsigned mask = __ballot_sync(0xffffffffu, fired);
  if (!mask) return;
  const unsigned lane = threadIdx.x & 31u;
  const unsigned leader = __ffs(mask) - 1;
  const unsigned n = __popc(mask);
  unsigned base = 0;
  unsigned long long rbase = 0;
  if (lane == leader) {
    base = atomicAdd(count, n);
    atomicAdd(&o.step_counts[local_step], n);
    if (o.rec_buf) rbase = atomicAdd(o.rec_offset, static_cast<unsigned long long>(n));
  }
  base = __shfl_sync(0xffffffffu, base, leader);
  rbase = __shfl_sync(0xffffffffu, rbase, leader);
  if (fired) {
    const unsigned rank = __popc(mask & ((1u << lane) - 1u));
    list[base + rank] = i;
    if (o.rec_buf) {
      const unsigned long long at = rbase + rank;
      if (at < o.rec_capacity) {
        o.rec_buf[2 * at] = local_step;
        o.rec_buf[2 * at + 1] = i;
      } else {
        atomicOr(error, 2u);
      }
    }
  }
}

// Deliver + stimulate + update of neuron i of a population of model M (i < n).
template <class M>
__device__ inline bool neuron_step(const pop_desc& p, std::uint64_t i, std::uint64_t t, const step_args& a) {
  const auto& d = *reinterpret_cast<const typename M::derived*>(p.derived);
  const std::uint64_t n = p.n;
  const std::uint64_t slot = step_mod(t, a.ring_len);
  real in[M::n_ports];
  for (int q = 0; q < M::n_ports; ++q) {
    std::int64_t& cell = p.ring[(static_cast<std::uint64_t>(q) * a.ring_len + slot) * n + i];
    in[q] = from_fixed(cell);
    cell = 0;
  }
  real i_stim = 0;
  for (int k = 0; k < p.n_stims; ++k) {
    const stim_desc& s = p.stims[k];
    const std::int32_t entry = s.map ? s.map[i] : static_cast<std::int32_t>(i);
    if (entry < 0) continue;
    if (s.type == 0) {
      if (t < s.start || t >= s.stop) continue;
      const int r = s.per_neuron ? entry : 0;
      const std::uint32_t c = poisson_count(a.seed, s.id, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(t),
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
        const real amp = s.amplitudes[lo - 1];
        if (amp != real(0)) i_stim += amp;
      }
    }
  }
  auto st = load_state<typename M::state>(p.soa, n, i);
  const bool fired = M::update(st, d, in, i_stim);
  store_state(p.soa, n, i, st);
  if (!(st.v == st.v)) atomicOr(a.error, 1u);
  return fired;
}

template <class... Ms>
__device__ inline bool neuron_step_any(const pop_desc& p, std::uint64_t i, std::uint64_t t, const step_args& a,
                                       type_list<Ms...>) {
  bool fired = false;
  int k = 0;
  ((k++ == p.model ? (fired = neuron_step<Ms>(p, i, t, a), true) : false) || ...);
  return fired;
}

// The device side of the engine: each phase is a grid-stride loop over the whole grid,
// followed by a grid-wide barrier where the next phase reads what this one wrote (none after a
// propagation phase with nothing to walk: propagate).
struct device_engine {
  const step_args& a;
  cg::grid_group grid;
  std::uint64_t tid;      // this thread's rank in the grid
  std::uint64_t threads;  // threads in the grid (a multiple of 256): the stride of every loop
  std::uint64_t rank = 0;  // this thread's rank for the current item (share), where loops start
  std::uint64_t pairing_budget = 0;  // threads / pairing rules (for_each_spike_ago), computed once

  // Phases loop over populations or rules; each item's grid-stride loop starts at `rank`, the
  // grid rank rotated to where the item's share of the grid starts (`start` / 2^16 of the
  // grid, in whole blocks, so warps and groups of up to a block stay aligned). Populations get
  // shares in proportion to their neurons (share_start, set at launch: populations side by
  // side tile the grid), rules equal ones. When items have little work, each runs on its own
  // threads at once instead of the first threads doing every item in turn, a chain of
  // dependent loads per item. (Propagation deals its work out instead: propagate.) A bijection
  // of ranks: every index is still visited exactly once. In 32 bits (start and blocks < 2^16,
  // checked at launch): a 64-bit division is a subroutine of ~70 instructions, and every
  // thread runs this once per item and step. (share_shift, equal_share_start and rotated_rank:
  // src/engine.hpp, tested on the host.)
  __device__ void share(std::uint32_t start) { rank = rotated_rank(tid, share_shift(start, gridDim.x, blockDim.x), threads); }
  // log2 of a group size (a power of two): groups split ranks with shifts and masks, not with
  // 64-bit divisions.
  __device__ static unsigned log2_of(std::uint32_t group) { return static_cast<unsigned>(__ffs(static_cast<int>(group)) - 1); }
  std::uint64_t lap_start_ns = 0;  // thread 0 only

  // Phase timers (engine_step), thread 0 only: every phase with work ends at a grid-wide
  // barrier, so when thread 0 gets here the whole grid has finished the phase. Deliver and
  // stimulate are part of update_neurons here, so their laps are skipped. phase_ns[8] counts
  // the timed steps.
  __device__ void lap_start() {
    if (tid != 0) return;
    lap_start_ns = device_clock_ns();
    a.phase_ns[8] += 1;
  }
  __device__ void lap(int phase) {
    if (tid != 0 || phase < 2) return;
    const std::uint64_t now = device_clock_ns();
    a.phase_ns[phase] += now - lap_start_ns;
    lap_start_ns = now;
  }

  __device__ void deliver(std::uint64_t) {}    // fused into update_neurons
  __device__ void stimulate(std::uint64_t) {}  // fused into update_neurons

  // A population's list slot of step t.
  __device__ static std::uint32_t list_slot(const pop_desc& p, std::uint64_t t) {
    return static_cast<std::uint32_t>(step_mod(t, p.out.slots));
  }
  // Population p's spikes of step `step` (not longer ago than its slots keep): the list, and
  // the number of spikes as the return value.
  __device__ static std::uint32_t spikes_of(const pop_desc& p, std::uint64_t step, const std::uint32_t*& list) {
    const std::uint32_t slot = list_slot(p, step);
    list = p.out.list + static_cast<std::uint64_t>(slot) * p.n;
    return p.out.count[slot];
  }

  __device__ void update_neurons(std::uint64_t t) {
    const auto local = static_cast<std::uint32_t>(t - a.flush_base);
    for (int pi = 0; pi < a.n_pops; ++pi) {
      const pop_desc& p = a.pops[pi];
      share(p.share_start);
      const std::uint32_t slot = list_slot(p, t);
      std::uint32_t* list = p.out.list + static_cast<std::uint64_t>(slot) * p.n;
      // Next step's list: last read slots - 1 steps ago (the oldest a rule reads is slots - 2).
      if (rank == 0) p.out.count[slot + 1 == p.out.slots ? 0 : slot + 1] = 0;
      const bool sampling = p.probes && probe_due(pi, t);  // once per population, not per neuron
      // Whole warps iterate together so the ballot in append_spike is converged.
      for (std::uint64_t base = rank - threadIdx.x; base < p.n; base += threads) {
        const std::uint64_t i = base + threadIdx.x;
        bool fired = false;
        if (i < p.n) {
          if (p.model >= 0) {
            fired = neuron_step_any(p, i, t, a, neuron_models{});
          } else {
            std::uint64_t c = p.src_cursor[i];
            while (c < p.src_ptr[i + 1] && p.src_steps[c] == t) {
              ++c;
              fired = true;
            }
            p.src_cursor[i] = c;
          }
        }
        if (sampling && i < p.n) sample_neuron(pi, p, i, t);
        if (p.hist && i < p.n) p.hist[step_mod(t, p.hist_len) * p.n + i] = fired ? 1 : 0;
        append_spike(fired, static_cast<std::uint32_t>(i), p.out, list, p.out.count + slot, local, a.error);
        if (p.pushes) push_rows(pi, fired, static_cast<std::uint32_t>(i), t);
      }
    }
    grid.sync();
  }

  // Weight w into target neuron i's cell of ring row `row`, in fixed point with an integer
  // atomic add, so the sum does not depend on the order.
  __device__ static void add_to_ring(const proj_desc& pj, std::uint64_t row, std::uint64_t i, float w) {
    atomicAdd(reinterpret_cast<unsigned long long*>(&pj.ring[row * pj.n_target + i]), static_cast<unsigned long long>(to_fixed(w)));
  }
  // Stored synapse s's weight w into the ring row it reaches from this step's row `now`.
  __device__ void deliver_synapse(const proj_desc& pj, std::uint64_t now, std::uint64_t s, float w) const {
    add_to_ring(pj, arrival_row(now, pj.delay[s], a.ring_len), pj.target[s], w);
  }

  // The rows of the projections that push (proj_desc::push) of the spikes this warp just found
  // in population pi, walked by the whole warp one spike after another. Safe during the update:
  // a spike of step t reaches ring rows t + 1 .. t + max delay, never row t, which this phase
  // reads and clears, and the barrier at the end of the update orders them before step t + 1.
  // A small network's step then needs one grid barrier instead of two.
  __device__ void push_rows(int pi, bool fired, std::uint32_t i, std::uint64_t t) const {
    unsigned mask = __ballot_sync(0xffffffffu, fired);
    if (!mask) return;
    const std::uint64_t lane = threadIdx.x & 31u;
    const std::uint64_t now = step_mod(t, a.ring_len);
    while (mask) {
      const int b = __ffs(static_cast<int>(mask)) - 1;
      mask &= mask - 1;
      const std::uint32_t pre = __shfl_sync(0xffffffffu, i, b);
      for (int j = 0; j < a.n_projs; ++j)
        if (a.projs[j].push && a.projs[j].source == pi) walk_stored_row(a.projs[j], now, pre, lane, 32);
    }
  }

  // Each spike's CSR row is walked by a group of `group` threads; weights are added in fixed
  // point with integer atomics, so the sum does not depend on the order. The step's work
  // items, every (projection, spike, lane), are numbered projection after projection
  // (work_prefix) and dealt to the grid's threads in order: whatever the number of projections
  // and of spikes in each, every thread has at most ceil(items / threads) of them. (Before, each
  // projection started on its own share of the grid, and where a projection had more groups
  // than its share, threads walked rows of several projections one after another while the rest
  // of the grid waited at the barrier: the microcircuit's 64 projections, 29 µs per step.)
  __device__ void propagate(std::uint64_t t) {
    const std::uint64_t now = step_mod(t, a.ring_len);  // the ring row of this step
    // Each block reads the spike counts once into shared memory: read from global memory in
    // the projection loop, every thread would wait for one per projection in turn (64 in the
    // microcircuit, most of its propagation time).
    // Their lists too: an item then reads its spike without working out the list's slot.
    for (int p = static_cast<int>(threadIdx.x); p < a.n_pops; p += static_cast<int>(blockDim.x))
      a.spikes[p] = spikes_of(a.pops[p], t, a.lists[p]);
    __syncthreads();
    if (threadIdx.x < 32) work_prefix();
    __syncthreads();
    const std::uint64_t items = a.prefix[a.n_projs];
    for (std::uint64_t w = tid; w < items; w += threads) {
      const int j = item_of(a.prefix, a.n_projs, w);
      const proj_desc& pj = a.projs[j];
      const std::uint64_t local = w - a.prefix[j];
      walk_row(pj, now, a.lists[pj.source][local >> log2_of(pj.group)], local & (pj.group - 1u));
    }
    // Without rows to walk in this step (every spike pushed, or none) the phase wrote nothing,
    // and the barrier is skipped: the same decision in every thread (every block computes the
    // same prefix from spike counts read after the update's barrier; spike_list_slots explains
    // why a block that is still here while others run the next update reads the right counts).
    if (items) grid.sync();
  }

  // Warp 0 of each block: a.prefix[j] = the work items of projections 0 .. j - 1 this step
  // (spikes x group of each projection not pushed from the update), by 32-wide warp scans.
  __device__ void work_prefix() const {
    const unsigned lane = threadIdx.x;
    std::uint64_t carry = 0;
    for (int base = 0; base < a.n_projs; base += 32) {
      const int j = base + static_cast<int>(lane);
      std::uint64_t w = 0;
      if (j < a.n_projs) {
        const proj_desc& pj = a.projs[j];
        w = pj.push ? 0 : static_cast<std::uint64_t>(a.spikes[pj.source]) * pj.group;
      }
      for (unsigned d = 1; d < 32; d <<= 1) {  // inclusive scan
        const std::uint64_t v = __shfl_up_sync(0xffffffffu, w, d);
        if (lane >= d) w += v;
      }
      if (j < a.n_projs) a.prefix[j + 1] = carry + w;
      carry += __shfl_sync(0xffffffffu, w, 31);
    }
    if (lane == 0) a.prefix[0] = 0;
  }

  // Lane `lane` of the group walking presynaptic neuron pre's row of projection pj: every
  // group-th synapse, delivering the weight, or the state rule's efficacy of it.
  __device__ void walk_row(const proj_desc& pj, std::uint64_t now, std::uint32_t pre, std::uint64_t lane) const {
    if (pj.rows) {  // procedural (static)
      walk_procedural_row(pj, now, pre, lane);
      return;
    }
    if (pj.state_rule < 0) {  // static, or weight rules only: the stored weight is the efficacy
      walk_stored_row(pj, now, pre, lane, pj.group);
      return;
    }
    const std::uint64_t g = pj.group, end = pj.row_ptr[pre + 1];
    const rule_desc& r = a.rules[pj.state_rule];
    with_rule(r.rule, [&]<class R>() {
      if constexpr (!plasticity::changes_weight<R>) {
        const auto& d = derived_of<R>(r);
        for (std::uint64_t s = pj.row_ptr[pre] + lane; s < end; s += g)
          deliver_synapse(pj, now, s, R::efficacy(pj.weight[s], load_state<typename R::state>(r.state, pj.n_syn, s), d));
      }
    });
  }

  // Lane `lane` of g walking pre's stored row, delivering the stored weights (also the pushed
  // rows of update_neurons, a warp each).
  __device__ void walk_stored_row(const proj_desc& pj, std::uint64_t now, std::uint32_t pre, std::uint64_t lane, std::uint64_t g) const {
    const std::uint64_t end = pj.row_ptr[pre + 1];
    for (std::uint64_t s = pj.row_ptr[pre] + lane; s < end; s += g) deliver_synapse(pj, now, s, pj.weight[s]);
  }

  // A procedural row is regenerated by the group of its spike (as many threads as the row has
  // segments, up to a warp), a segment per thread (models/connectivity_rows.hpp): the synapses
  // of the stored row, in another order, which the integer sums do not see.
  __device__ void walk_procedural_row(const proj_desc& pj, std::uint64_t now, std::uint32_t pre, std::uint64_t lane) const {
    const row_rule r = *pj.rows;  // in registers: the loop below reads it for every synapse
    const std::uint32_t segments = row_segments(r);
    const delay_rounding steps(r);
    for (std::uint32_t seg = static_cast<std::uint32_t>(lane); seg < segments; seg += pj.group)
      generate_segment(r, pre, seg, [&](std::uint32_t i, float w, double d) { add_to_ring(pj, arrival_row(now, steps(d), a.ring_len), i, w); });
  }

  // Calls walk(i, lane, g) for every neuron i that population p fired `ago` steps before step t
  // (none before the run began), with a group of g threads per spike (lane: this thread's
  // place in it), the groups spread over the grid from this rule's share. g is chosen per step
  // (walk_group_log2): the grid's threads shared among the pairing rules, then among this
  // list's spikes, at most max_group (from the mean row or column length). The spike count is
  // the same in every thread, so is g.
  template <class Walk>
  __device__ void for_each_spike_ago(const pop_desc& p, std::uint64_t t, std::uint64_t ago, std::uint32_t max_group, Walk&& walk) const {
    if (t < ago) return;
    const std::uint32_t* list = nullptr;
    const std::uint32_t spikes = spikes_of(p, t - ago, list);
    // Groups above a block need not divide the grid: lg > 5 only while spikes x 2^lg <= the
    // budget <= threads, so each thread takes at most one spike, and a last, partial group of
    // the grid has none (tests/unit/engine_test.cpp checks odd block counts).
    const unsigned lg = walk_group_log2(spikes, pairing_budget, log2_of(max_group));
    const std::uint64_t g = std::uint64_t{1} << lg, lane = rank & (g - 1u);
    for (std::uint64_t k = rank >> lg; k < spikes; k += threads >> lg) walk(list[k], lane, g);
  }

  template <class F, class... Rs>
  __device__ static void with_rule_impl(int rule, F&& f, type_list<Rs...>) {
    int k = 0;
    ((k++ == rule ? (f.template operator()<Rs>(), true) : false) || ...);
  }
  // Calls f.template operator()<R>() with the rule type of index `rule` (plasticity_rules).
  template <class F>
  __device__ static void with_rule(int rule, F&& f) {
    with_rule_impl(rule, f, plasticity_rules{});
  }
  // Calls f.template operator()<R>(j, pj, r) for every rule r of every projection pj (index j),
  // in list order; when `ordered`, with a barrier after each rule whose successor changes the
  // same weights at the same kind of spike (rule_desc::sync_after). Uniform over the grid.
  template <class F>
  __device__ void for_each_rule(bool ordered, F&& f) {
    for (int j = 0; j < a.n_projs; ++j) {
      const proj_desc& pj = a.projs[j];
      for (int k = pj.first_rule; k < pj.first_rule + pj.n_rules; ++k) {
        const rule_desc& r = a.rules[k];
        share(equal_share_start(static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(a.n_rules)));
        with_rule(r.rule, [&]<class R>() { f.template operator()<R>(j, pj, r); });
        if (ordered && r.sync_after) grid.sync();
      }
    }
  }
  template <class R>
  __device__ static const typename R::derived& derived_of(const rule_desc& r) {
    return *reinterpret_cast<const typename R::derived*>(r.derived);
  }
  template <class R>
  __device__ weight_rule_view<R> weight_view(const proj_desc& pj, const rule_desc& r) const {
    return {derived_of<R>(r), r.pre, pj.n_source, r.post, pj.n_target};
  }
  // A population's spike flags of `ago` steps before step t (nullptr before the run began).
  __device__ static const std::uint8_t* flags_ago(const pop_desc& p, std::uint64_t t, std::uint64_t ago) {
    return t >= ago ? p.hist + step_mod(t - ago, p.hist_len) * p.n : nullptr;
  }

  // Phase 5 (the CPU backend's post_spike_step): weight rules at postsynaptic spikes, a group of
  // up to col_group threads per firing target neuron (from the target's spike list of
  // post_delay_steps ago) walking its column, the groups spread over the whole grid (a warp
  // per spike left most of the grid idle: 9 000-synapse columns, 70 spikes a step). Every
  // synapse of a column has its own writer and columns are disjoint, so the list's order does
  // not matter; two rules of one projection that both pair spikes are separated by a barrier.
  __device__ void post_spike_plasticity(std::uint64_t t) {
    if (a.n_pairing == 0) return;
    for_each_rule(true, [&]<class R>(int, const proj_desc& pj, const rule_desc& r) {
      if constexpr (plasticity::pairs_spikes<R>) {
        const auto v = weight_view<R>(pj, r);
        share(r.pairing_start);  // the share the walk's budget assumes (pairing rules only)
        for_each_spike_ago(a.pops[pj.target_pop], t, R::post_delay_steps(v.d), pj.col_group,
                           [&](std::uint32_t i, std::uint64_t lane, std::uint64_t g) {
          const auto y = v.seen_post(i);
          const std::uint64_t end = pj.col_ptr[i + 1];
          for (std::uint64_t c = pj.col_ptr[i] + lane; c < end; c += g) {
            const std::uint64_t s = pj.col_synapse[c];
            pj.weight[s] = v.after_post_spike(pj.weight[s], pj.col_source[c], y);
          }
        });
      }
    });
    grid.sync();  // phase 6 reads the traces and changes the weights
  }

  // Phase 6, in two stages with a barrier between (the CPU backend's rule_step and
  // weight_rule_step; the rules of a list touch different state, except weight rules the same
  // weights, which sync_after orders):
  //   1. state rules: traces of the source and target neurons; weight rules: every synapse of
  //      the rows whose spikes arrive now (a group of threads per row);
  //   2. state rules: every synapse of every row that can change; weight rules: their traces.
  // The spike flags were written by update_neurons.
  __device__ void synapse_dynamics(std::uint64_t t) {
    if (a.n_plastic == 0) return;
    const std::uint32_t parity = static_cast<std::uint32_t>(t & 1u);
    for_each_rule(true, [&]<class R>(int, const proj_desc& pj, const rule_desc& r) {
      if constexpr (plasticity::pairs_spikes<R>)
        pre_spike_updates<R>(pj, r, t);
      else if constexpr (!plasticity::changes_weight<R>)
        state_rule_traces<R>(pj, r, t, parity);
    });
    grid.sync();
    for_each_rule(false, [&]<class R>(int j, const proj_desc& pj, const rule_desc& r) {
      if constexpr (plasticity::changes_weight<R>)
        weight_rule_traces<R>(pj, r, t);
      else
        state_rule_synapses<R>(pj, r, j, t, parity);
    });
    grid.sync();
  }
  // Weight rules at presynaptic spikes: a group of up to row_walk_group threads per source
  // neuron whose spike arrives now (its spike list of delay_steps ago) walks its row.
  template <class R>
  __device__ void pre_spike_updates(const proj_desc& pj, const rule_desc& r, std::uint64_t t) {
    const auto v = weight_view<R>(pj, r);
    share(r.pairing_start);  // the share the walk's budget assumes (pairing rules only)
    for_each_spike_ago(a.pops[pj.source], t, R::delay_steps(v.d), pj.row_walk_group, [&](std::uint32_t i, std::uint64_t lane, std::uint64_t g) {
      const auto x = v.seen_pre(i);
      const std::uint64_t end = pj.row_ptr[i + 1];
      for (std::uint64_t s = pj.row_ptr[i] + lane; s < end; s += g) pj.weight[s] = v.after_pre_spike(pj.weight[s], x, pj.target[s]);
    });
  }
  template <class R>
  __device__ void weight_rule_traces(const proj_desc& pj, const rule_desc& r, std::uint64_t t) {
    const auto v = weight_view<R>(pj, r);
    const pop_desc& tgt = a.pops[pj.target_pop];
    const std::uint8_t* arrived = flags_ago(a.pops[pj.source], t, R::delay_steps(v.d));
    const std::uint8_t* fired = flags_ago(tgt, t, R::post_delay_steps(v.d));
    for (std::uint64_t i = rank; i < v.n_source; i += threads) v.step_pre(i, arrived && arrived[i]);
    for (std::uint64_t i = rank; i < v.n_target; i += threads) v.step_post(i, fired && fired[i], tgt.soa[i]);  // soa[i]: v
  }
  template <class R>
  __device__ void state_rule_traces(const proj_desc& pj, const rule_desc& r, std::uint64_t t, std::uint32_t parity) {
    const auto& d = derived_of<R>(r);
    const pop_desc& src = a.pops[pj.source];
    const pop_desc& tgt = a.pops[pj.target_pop];
    const std::uint8_t* arrived = flags_ago(src, t, R::delay_steps(d));
    for (std::uint64_t i = rank; i < src.n; i += threads) {
      auto x = load_state<typename R::pre_state>(r.pre, src.n, i);
      R::update_pre(x, d, arrived && arrived[i]);
      store_state(r.pre, src.n, i, x);
    }
    const std::uint8_t* fired = flags_ago(tgt, t, R::post_delay_steps(d));
    if (rank == 0) r.post_bound[parity ^ 1u] = 0;  // next step's (last read a step ago)
    for (std::uint64_t i = rank; i < tgt.n; i += threads) {
      auto y = load_state<typename R::post_state>(r.post, tgt.n, i);
      R::update_post_neuron(y, d, fired && fired[i] != 0, tgt.soa[i]);  // soa[i]: v
      store_state(r.post, tgt.n, i, y);
      const real b = R::post_bound(y);
      if (b > real(0)) atomicMax(&r.post_bound[parity], __float_as_uint(b));
    }
  }
  template <class R>
  __device__ void state_rule_synapses(const proj_desc& pj, const rule_desc& r, int j, std::uint64_t t, std::uint32_t parity) {
    const auto& d = derived_of<R>(r);
    const real bound = __uint_as_float(r.post_bound[parity]);
    const std::uint64_t g = pj.group, lane = rank & (g - 1u);
    const unsigned lg = log2_of(pj.group);
    for (std::uint64_t i = rank >> lg; i < pj.n_source; i += threads >> lg) {
      const auto x = load_state<typename R::pre_state>(r.pre, pj.n_source, i);
      if (R::row_quiet(x, bound, d, t)) continue;
      const std::uint64_t end = pj.row_ptr[i + 1];
      for (std::uint64_t s = pj.row_ptr[i] + lane; s < end; s += g) {
        const auto y = load_state<typename R::post_state>(r.post, pj.n_target, pj.target[s]);
        auto z = load_state<typename R::state>(r.state, pj.n_syn, s);
        R::synapse_step(z, d, x, y, t, plasticity::synapse_noise{a.seed, static_cast<std::uint32_t>(j), s, t});
        store_state(r.state, pj.n_syn, s, z);
      }
    }
  }

  // Phase 7 (the CPU backend's slow_step and scale_step), when due: slow processes of state
  // rules (the per-neuron sum in fixed point with integer atomics, then per neuron, then per
  // synapse) and the rescaling of weight rules, each followed by a barrier.
  __device__ void slow_processes(std::uint64_t t) {
    if (a.n_plastic == 0) return;
    for_each_rule(false, [&]<class R>(int, const proj_desc& pj, const rule_desc& r) {
      if constexpr (plasticity::has_slow_processes<R>) {
        const auto& d = derived_of<R>(r);
        if (due(R::slow_every(d), t)) slow_step<R>(pj, r, d, t);
      }
      if constexpr (plasticity::scales_weights<R>) {
        const auto v = weight_view<R>(pj, r);
        if (due(R::slow_every(v.d), t)) {
          for (std::uint64_t s = rank; s < pj.n_syn; s += threads) pj.weight[s] = v.rescaled(pj.weight[s], pj.target[s]);
          grid.sync();  // the next step's spikes deliver these weights
        }
      }
    });
  }
  // Whether a slow process of period `every` steps runs at the end of step t (as on the CPU);
  // the same for every thread, so the barriers below are reached by all.
  __device__ static bool due(std::uint32_t every, std::uint64_t t) { return every != 0 && step_mod(t + 1, every) == 0; }
  // Slow processes of a state rule: the per-neuron sum in fixed point, per neuron, per synapse.
  template <class R>
  __device__ void slow_step(const proj_desc& pj, const rule_desc& r, const typename R::derived& d, std::uint64_t t) {
    for (std::uint64_t i = rank; i < pj.n_target; i += threads) r.post_sum[i] = 0;
    grid.sync();
    for (std::uint64_t s = rank; s < pj.n_syn; s += threads)
      atomicAdd(&r.post_sum[pj.target[s]],
                static_cast<unsigned long long>(to_fixed(R::protein_drive(load_state<typename R::state>(r.state, pj.n_syn, s), d))));
    grid.sync();
    for (std::uint64_t i = rank; i < pj.n_target; i += threads) {
      auto y = load_state<typename R::post_state>(r.post, pj.n_target, i);
      R::slow_post(y, d, from_fixed(static_cast<std::int64_t>(r.post_sum[i])), t);
      store_state(r.post, pj.n_target, i, y);
    }
    grid.sync();
    for (std::uint64_t s = rank; s < pj.n_syn; s += threads) {
      auto z = load_state<typename R::state>(r.state, pj.n_syn, s);
      R::slow_synapse(z, d, load_state<typename R::post_state>(r.post, pj.n_target, pj.target[s]));
      store_state(r.state, pj.n_syn, s, z);
    }
    grid.sync();
  }

  // Spikes and state probes were recorded in update_neurons.
  __device__ void record(std::uint64_t) {}

  // Whether a state probe of population pi samples at the end of step t.
  __device__ bool probe_due(int pi, std::uint64_t t) const {
    for (int r = 0; r < a.n_probes; ++r)
      if (a.probes[r].pop == pi && step_mod(t + 1, a.probes[r].interval) == 0) return true;
    return false;
  }

  // Neuron i's cells of the state probes of population pi due at the end of step t, by the
  // thread that has just updated it: only update_neurons writes neuron state, so its state
  // now is the end of step t's, and the probes need no grid barrier of their own before the
  // next update overwrites it (a barrier costs 1-2 µs, a fifth of a small network's step).
  __device__ void sample_neuron(int pi, const pop_desc& p, std::uint64_t i, std::uint64_t t) const {
    for (int r = 0; r < a.n_probes; ++r) {
      const probe_desc& pr = a.probes[r];
      if (pr.pop != pi || step_mod(t + 1, pr.interval) != 0) continue;
      const std::int32_t at = pr.position[i];
      if (at < 0) continue;
      const std::uint64_t sample = (t + 1) / pr.interval - a.flush_base / pr.interval - 1;
      for (int k = 0; k < pr.n_vars; ++k)
        pr.buf[sample * pr.n_cells + static_cast<std::uint64_t>(k) * pr.n_neurons + static_cast<std::uint64_t>(at)] =
            p.soa[static_cast<std::uint64_t>(pr.vars[k]) * p.n + i];
    }
  }
};

// Bytes of dynamic shared memory run_steps needs: every block keeps a copy of the population,
// projection and rule descriptors (read in every phase of every step), the work prefix of the
// projections, and each population's spike list and count of the step.
inline std::size_t step_shared_bytes(int n_pops, int n_projs, int n_rules) {
  return sizeof(pop_desc) * static_cast<std::size_t>(n_pops) + sizeof(proj_desc) * static_cast<std::size_t>(n_projs) +
         sizeof(rule_desc) * static_cast<std::size_t>(n_rules) + sizeof(std::uint64_t) * static_cast<std::size_t>(n_projs + 1) +
         sizeof(const std::uint32_t*) * static_cast<std::size_t>(n_pops) + sizeof(std::uint32_t) * static_cast<std::size_t>(n_pops);
}

__device__ inline void copy_to_shared(void* dst, const void* src, std::size_t bytes) {
  auto* d = static_cast<unsigned*>(dst);
  const auto* s = static_cast<const unsigned*>(src);
  for (std::size_t k = threadIdx.x; k < bytes / sizeof(unsigned); k += blockDim.x) d[k] = s[k];
}

// Threads per block of the step kernel, and the blocks per SM its registers must allow: at
// most 128 registers a thread (65 536 per SM), so that two blocks share an SM. The kernel
// wants ~130 since ADR 0009 (pushed rows and probes in the update); without the bound the
// H100 would fit one block per SM, half the resident threads of the measurements so far.
constexpr unsigned step_block_size = 256;
constexpr unsigned step_min_blocks_per_sm = 2;

__global__ void __launch_bounds__(step_block_size, step_min_blocks_per_sm) run_steps(step_args a) {
  extern __shared__ __align__(16) unsigned char shared[];
  auto* pops = reinterpret_cast<pop_desc*>(shared);
  auto* projs = reinterpret_cast<proj_desc*>(pops + a.n_pops);
  auto* rules = reinterpret_cast<rule_desc*>(projs + a.n_projs);
  a.prefix = reinterpret_cast<std::uint64_t*>(rules + a.n_rules);  // 8-byte aligned: rule_desc is 16-aligned
  a.lists = reinterpret_cast<const std::uint32_t**>(a.prefix + a.n_projs + 1);
  a.spikes = reinterpret_cast<std::uint32_t*>(a.lists + a.n_pops);
  copy_to_shared(pops, a.pops, sizeof(pop_desc) * static_cast<std::size_t>(a.n_pops));
  copy_to_shared(projs, a.projs, sizeof(proj_desc) * static_cast<std::size_t>(a.n_projs));
  copy_to_shared(rules, a.rules, sizeof(rule_desc) * static_cast<std::size_t>(a.n_rules));
  __syncthreads();
  a.pops = pops;
  a.projs = projs;
  a.rules = rules;
  cg::grid_group grid = cg::this_grid();
  device_engine e{a, grid, grid.thread_rank(), static_cast<std::uint64_t>(gridDim.x) * blockDim.x};
  e.rank = e.tid;
  e.pairing_budget = e.threads / static_cast<std::uint64_t>(a.n_pairing > 0 ? a.n_pairing : 1);
  for (std::uint64_t t = a.first_step; t < a.first_step + a.n_steps; ++t) engine_step(e, t);
}

}  // namespace engram::cuda_detail
