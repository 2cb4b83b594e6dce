// The CPU backend: the reference implementation. OpenMP over neurons and spikes; every
// per-element computation is the shared ENGRAM_HOST_DEVICE model math; the phase order is
// engine.hpp's. Deterministic for any thread count: spike lists are ordered, input is summed
// in fixed point (each thread adds into its own range of target neurons), random numbers are
// counter-based.
#include "cpu_backend.hpp"
#include "resize_populated.hpp"
#include "stage_timer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <omp.h>

#include "backend_setup.hpp"
#include "cpu_isa.hpp"
#include "engine.hpp"
#include "engram/errors.hpp"
#include "engram/models.hpp"
#include "model_params.hpp"
#include "plasticity_setup.hpp"
#include "models/fixed_point.hpp"
#include "models/plasticity/registry.hpp"
#include "models/poisson.hpp"
#include "models/registry.hpp"
#include "models/sampling.hpp"
#include "recorder_setup.hpp"
#include "state_blocks.hpp"
#include "synapse_table.hpp"
#include "weight_rule_view.hpp"

namespace engram {

namespace {

// Below these sizes a phase runs on one thread: a parallel region costs microseconds, more
// than the work, and much more when the cores are shared with other programs.
constexpr std::uint64_t parallel_min_neurons = 8192;
constexpr std::uint64_t parallel_min_synapses = 65536;

struct population_state {
  int model = -1;  // index in neuron_models; -1 for a spike source
  std::uint64_t n = 0;
  int n_vars = 0;
  int n_ports = 0;
  std::vector<real> soa;       // state, n_vars x n
  std::vector<char> derived;   // the model's `derived` struct, bytes
  std::vector<real> input;     // n_ports x n, this step
  std::vector<real> i_stim;    // n, pA
  std::vector<std::uint32_t> spikes;  // this step, ascending
  std::vector<std::uint8_t> fired;    // per neuron, this step
  // spike_source_array: spike steps per neuron (CSR) and a cursor
  std::vector<std::uint64_t> src_ptr, src_steps, src_cursor;
  std::vector<int> outgoing;  // projection indices
  // Spike flags of the last hist_len steps (slot t % hist_len), for plasticity rules.
  std::uint64_t hist_len = 0;
  std::vector<std::uint8_t> hist;
};

// One rule of a plastic projection (plasticity_setup.hpp): its state per synapse, and its traces
// per presynaptic and postsynaptic neuron, all structure of arrays.
struct rule_state {
  plasticity_setup setup;
  std::vector<real> pre, post;
  std::vector<std::int64_t> post_sum;  // slow processes: per postsynaptic neuron, fixed point
};
// A projection's rules in list order, the one whose efficacy scales the weight (the state rule,
// or -1), and the column index when a rule acts at postsynaptic spikes.
struct plastic_projection {
  std::vector<rule_state> rules;
  int state_rule = -1;
  column_index columns;
  const rule_state* efficacy_rule() const { return state_rule < 0 ? nullptr : &rules[static_cast<std::size_t>(state_rule)]; }
};

class cpu_simulation final : public simulation {
 public:
  cpu_simulation(const network& net, int threads) : net_(net) {
    threads_ = threads > 0 ? threads : omp_get_max_threads();
    isa_ = choose_cpu_isa();
    const std::size_t np = net.populations.size();
    pops_.resize(np);
    stage_timer timer(build_stages);
    for (std::size_t p = 0; p < np; ++p) init_population(p);
    timer.mark("neurons");
    // Connectivity.
    std::uint16_t max_delay = 1;
    tables_.reserve(net.projections.size());
    for (std::size_t j = 0; j < net.projections.size(); ++j) {
      tables_.push_back(build_synapses(net, j));
      max_delay = std::max(max_delay, tables_.back().max_delay);
      const auto& pr = net.projections[j];
      pops_[static_cast<std::size_t>(net.population_index(pr.source))].outgoing.push_back(static_cast<int>(j));
      const int t = net.population_index(pr.target);
      const int port = port_index(net, t, pr.receptor);
      proj_target_.push_back(t);
      proj_port_.push_back(port);
    }
    timer.mark("connectivity");
    ring_len_ = static_cast<std::uint64_t>(max_delay) + 1;
    ring_base_.assign(np, 0);
    std::uint64_t total = 0;
    for (std::size_t p = 0; p < np; ++p) {
      ring_base_[p] = total;
      total += static_cast<std::uint64_t>(pops_[p].n_ports) * ring_len_ * pops_[p].n;
    }
    resize_populated(ring_, total);  // zero, as a fresh ring (large networks: every thread makes its pages present)
    prefetch_ring_ = total * sizeof(std::int64_t) >= prefetch_min_ring_bytes;
    std::vector<std::vector<plasticity_setup>> setups;
    for (std::size_t j = 0; j < tables_.size(); ++j) setups.push_back(setup_plasticity(net, j, tables_[j].size()));
    const auto hist = spike_history_lengths(net, setups);
    for (std::size_t p = 0; p < np; ++p) {
      pops_[p].hist_len = hist[p];
      pops_[p].hist.assign(hist[p] * pops_[p].n, 0);
    }
    plastic_.resize(tables_.size());
    for (std::size_t j = 0; j < tables_.size(); ++j) {
      auto& pl = plastic_[j];
      pl.state_rule = state_rule(setups[j]);
      const std::uint64_t n_src = pops_[static_cast<std::size_t>(net.population_index(net.projections[j].source))].n;
      const std::uint64_t n_tgt = pops_[static_cast<std::size_t>(proj_target_[j])].n;
      bool columns = false;
      for (auto& setup : setups[j]) {
        rule_state& r = pl.rules.emplace_back();
        r.setup = std::move(setup);
        r.pre.assign(static_cast<std::uint64_t>(r.setup.n_pre) * n_src, 0);
        r.post.assign(static_cast<std::uint64_t>(r.setup.n_post) * n_tgt, 0);
        r.post_sum.assign(n_tgt, 0);
        columns = columns || r.setup.pairs_spikes;
      }
      timer.mark("plasticity");
      if (columns) pl.columns = build_columns(tables_[j], n_tgt);
      timer.mark("column_index");
    }
    stims_ = plan_stimuli(net);
    for (const auto& ps : pops_) poisson_words_.resize(std::max<std::size_t>(poisson_words_.size(), (ps.n + 3) / 4 * 4));
    rec_ = setup_recording(net);
    take_weight_snapshots(0);
    timer.mark("stimuli_and_recorders");
  }

  void advance(std::uint64_t n) override {
    steps_advanced_ += n;
    for (std::uint64_t k = 0; k < n; ++k) {
      engine_step(*this, step_);
      ++step_;
    }
  }
  std::uint64_t steps_done() const override { return step_; }
  recording& results() override { return rec_; }
  std::string backend_name() const override { return "cpu"; }
  phase_times phase_seconds() override { return scaled_phase_times(phase_s_, timed_steps_, steps_advanced_); }
  int threads() const override { return threads_; }
  std::string instruction_set() const override { return isa_name(isa_); }
  std::vector<std::uint64_t> projection_sizes() const override { return table_sizes(tables_); }
  std::uint64_t bytes_per_synapse() const override {
    std::vector<int> rule_values;
    for (const auto& pl : plastic_) {
      int values = pl.columns.synapse.empty() ? 0 : static_cast<int>(column_index::bytes_per_synapse / 4);
      for (const auto& r : pl.rules) values += r.setup.n_state;
      rule_values.push_back(values);
    }
    return mean_bytes_per_synapse(tables_, rule_values);
  }

  std::vector<float> state_variable(int population, const std::string& variable) override {
    const auto& ps = pops_.at(static_cast<std::size_t>(population));
    const auto k = static_cast<std::uint64_t>(state_index(net_, population, variable));
    return {ps.soa.begin() + static_cast<std::ptrdiff_t>(k * ps.n), ps.soa.begin() + static_cast<std::ptrdiff_t>((k + 1) * ps.n)};
  }
  void synapses(int projection, std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& target,
                std::vector<float>& weight, std::vector<std::uint16_t>& delay) override {
    if (tables_.at(static_cast<std::size_t>(projection)).procedural) {
      move_out(build_synapses(net_, static_cast<std::size_t>(projection), true), row_ptr, target, weight, delay);
      return;
    }
    const auto& t = tables_[static_cast<std::size_t>(projection)];
    row_ptr = t.row_ptr;
    target = t.target;
    weight = efficacies(static_cast<std::size_t>(projection));
    delay = t.delay;
  }
  std::vector<float> synapse_variable(int projection, const std::string& variable) override {
    const auto j = static_cast<std::size_t>(projection);
    const auto k = static_cast<std::uint64_t>(synapse_state_index(net_, projection, variable));
    const std::uint64_t n = tables_.at(j).size();
    const auto& st = plastic_[j].efficacy_rule()->setup.state;  // validated: the state rule has it
    return {st.begin() + static_cast<std::ptrdiff_t>(k * n), st.begin() + static_cast<std::ptrdiff_t>((k + 1) * n)};
  }

  state_blocks export_state() override {
    state_blocks b;
    b.emplace_back("step", to_bytes(std::vector<std::uint64_t>{step_}));
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      b.emplace_back(population_block(p, "soa"), to_bytes(pops_[p].soa));
      b.emplace_back(population_block(p, "cursor"), to_bytes(source_progress(pops_[p].src_cursor, pops_[p].src_ptr)));
    }
    b.emplace_back("ring", to_bytes(ring_));
    for (std::size_t j = 0; j < tables_.size(); ++j) b.emplace_back(projection_block(j, "weight"), to_bytes(tables_[j].weight));
    for (std::size_t p = 0; p < pops_.size(); ++p)
      if (pops_[p].hist_len) b.emplace_back(population_block(p, "hist"), to_bytes(pops_[p].hist));
    for (std::size_t j = 0; j < plastic_.size(); ++j)
      for (std::size_t k = 0; k < plastic_[j].rules.size(); ++k) {
        const auto& r = plastic_[j].rules[k];
        b.emplace_back(rule_block(j, k, "state"), to_bytes(r.setup.state));
        b.emplace_back(rule_block(j, k, "pre"), to_bytes(r.pre));
        b.emplace_back(rule_block(j, k, "post"), to_bytes(r.post));
      }
    export_recording(rec_, b);
    return b;
  }

  void import_state(const state_blocks& b) override {
    std::vector<std::uint64_t> step(1);
    from_block(b, "step", step);
    step_ = step[0];
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      from_block(b, population_block(p, "soa"), pops_[p].soa);
      std::vector<std::uint64_t> progress(pops_[p].src_cursor.size());
      from_block(b, population_block(p, "cursor"), progress);
      pops_[p].src_cursor = cursors_from_progress(progress, pops_[p].src_ptr);
    }
    from_block(b, "ring", ring_);
    for (std::size_t j = 0; j < tables_.size(); ++j) from_block(b, projection_block(j, "weight"), tables_[j].weight);
    for (std::size_t p = 0; p < pops_.size(); ++p)
      if (pops_[p].hist_len) from_block(b, population_block(p, "hist"), pops_[p].hist);
    for (std::size_t j = 0; j < plastic_.size(); ++j)
      for (std::size_t k = 0; k < plastic_[j].rules.size(); ++k) {
        auto& r = plastic_[j].rules[k];
        from_block(b, rule_block(j, k, "state"), r.setup.state);
        from_block(b, rule_block(j, k, "pre"), r.pre);
        from_block(b, rule_block(j, k, "post"), r.post);
      }
    import_recording(b, rec_);
  }

  // Runs body(i) for i < n, on threads_ threads when `parallel`, else inline: an OpenMP region
  // with if(false) still wakes the thread pool (a futex call), three times per step in small
  // networks, which was about half the run time of a one-synapse protocol.
  template <class Body>
  void for_each_index(std::uint64_t n, bool parallel, Body&& body) {
    if (parallel && threads_ > 1) {
#pragma omp parallel for schedule(static) num_threads(threads_)
      for (std::uint64_t i = 0; i < n; ++i) body(i);
    } else {
      for (std::uint64_t i = 0; i < n; ++i) body(i);
    }
  }

  // Runs range(lo, hi) over [0, n) split into contiguous ranges, one per thread when
  // `parallel` (as few as there are granules), each starting at a multiple of `granule`; else
  // range(0, n) inline (see for_each_index).
  template <class Range>
  void for_each_range(std::uint64_t n, bool parallel, std::uint64_t granule, Range&& range) {
    const std::uint64_t granules = (n + granule - 1) / granule;
    const int parts = parallel ? static_cast<int>(std::min<std::uint64_t>(threads_, granules)) : 1;
    if (parts < 2) {
      range(std::uint64_t{0}, n);
      return;
    }
#pragma omp parallel num_threads(parts)
    {
      const auto part = static_cast<std::uint64_t>(omp_get_thread_num()), of = static_cast<std::uint64_t>(omp_get_num_threads());
      const auto bound = [&](std::uint64_t k) { return std::min(n, granules * k / of * granule); };
      range(bound(part), bound(part + 1));
    }
  }

  // ---- phases (called by engine_step) ----
  void lap_start() {
    lap_start_ = std::chrono::steady_clock::now();
    ++timed_steps_;
  }
  void lap(int phase) {
    const auto now = std::chrono::steady_clock::now();
    phase_s_[static_cast<std::size_t>(phase)] += std::chrono::duration<double>(now - lap_start_).count();
    lap_start_ = now;
  }
  void deliver(std::uint64_t t) {
    const std::uint64_t slot = t % ring_len_;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      auto& ps = pops_[p];
      const std::uint64_t n = ps.n;
      for (int port = 0; port < ps.n_ports; ++port) {
        std::int64_t* cell = ring_.data() + ring_base_[p] + (static_cast<std::uint64_t>(port) * ring_len_ + slot) * n;
        real* in = ps.input.data() + static_cast<std::uint64_t>(port) * n;
        for_each_index(n, n >= parallel_min_neurons, [&](std::uint64_t i) {
          in[i] = from_fixed(cell[i]);
          cell[i] = 0;
        });
      }
    }
  }

  // The Philox words of groups [g0, g1) of four neurons of a Poisson stimulus in one step
  // (poisson_block_of_four), neuron i's in out[i]. Not inlined, so that the loop, with its
  // pointer in a register, vectorizes.
  __attribute__((noinline)) static void draw_poisson_words(std::uint64_t seed, std::uint32_t object, std::uint32_t step,
                                                           std::uint64_t g0, std::uint64_t g1, std::uint32_t* out) {
    for (std::uint64_t g = g0; g < g1; ++g) {
      const auto r = poisson_block_of_four(seed, object, static_cast<std::uint32_t>(g), step);
      for (int k = 0; k < 4; ++k) out[4 * g + k] = r.v[k];
    }
  }

  void stimulate(std::uint64_t t) {
    for (const auto& s : stims_.currents) {  // only populations with currents ever change i_stim
      auto& x = pops_[static_cast<std::size_t>(s.pop)].i_stim;
      std::fill(x.begin(), x.end(), real(0));
    }
    const std::uint64_t seed = net_.run.seed;
    for (const auto& s : stims_.poisson) {
      if (t < s.start || t >= s.stop) continue;
      auto& ps = pops_[static_cast<std::size_t>(s.pop)];
      real* in = ps.input.data() + static_cast<std::uint64_t>(s.port) * ps.n;
      const std::uint64_t count = s.neurons.empty() ? ps.n : s.neurons.size();
      const bool per_neuron = s.chunks.size() > 1;
      if (s.neurons.empty() && !per_neuron && s.chunks[0] == 1) {  // one Philox block per four neurons
        const double lambda = s.chunk_lambda[0], e = s.exp_minus[0];
        const std::int64_t quiet = s.quiet_word[0];
        std::uint32_t* words = poisson_words_.data();
        // First every group's words (a loop GCC vectorizes), then a scan that converts only the
        // words with events: the common case of weak input is an integer comparison.
        const auto range = [&](std::uint64_t lo, std::uint64_t hi) {
          draw_poisson_words(seed, s.id, static_cast<std::uint32_t>(t), lo / 4, (hi + 3) / 4, words);
          for (std::uint64_t i = lo; i < hi; ++i)
            if (static_cast<std::int64_t>(words[i]) > quiet)
              in[i] += static_cast<real>(poisson_inversion(unit_from_word(words[i]), lambda, e)) * s.weight;
        };
        for_each_range(count, count >= parallel_min_neurons, 4, range);  // whole groups of four
        continue;
      }
      for_each_index(count, count >= parallel_min_neurons, [&](std::uint64_t k) {
        const std::uint32_t i = s.neurons.empty() ? static_cast<std::uint32_t>(k) : s.neurons[k];
        const std::size_t r = per_neuron ? k : 0;
        const std::uint32_t c = poisson_count(seed, s.id, i, static_cast<std::uint32_t>(t), s.chunks[r],
                                              s.chunk_lambda[r], s.exp_minus[r]);
        if (c) in[i] += static_cast<real>(c) * s.weight;
      });
    }
    for (const auto& s : stims_.currents) {
      const auto it = std::upper_bound(s.change_steps.begin(), s.change_steps.end(), t);
      if (it == s.change_steps.begin()) continue;
      const real a = s.amplitudes[static_cast<std::size_t>(it - s.change_steps.begin() - 1)];
      if (a == real(0)) continue;
      auto& ps = pops_[static_cast<std::size_t>(s.pop)];
      if (s.neurons.empty())
        for (auto& x : ps.i_stim) x += a;
      else
        for (auto i : s.neurons) ps.i_stim[i] += a;
    }
  }

  void update_neurons(std::uint64_t t) {
    for (auto& ps : pops_) {
      ps.spikes.clear();
      if (ps.model < 0) {
        for (std::uint64_t i = 0; i < ps.n; ++i) {
          bool fired = false;
          while (ps.src_cursor[i] < ps.src_ptr[i + 1] && ps.src_steps[ps.src_cursor[i]] == t) {
            ++ps.src_cursor[i];
            fired = true;
          }
          if (fired) ps.spikes.push_back(static_cast<std::uint32_t>(i));
        }
        continue;
      }
      dispatch_model(ps.model, [&]<class M>() { update_population<M>(ps); });
    }
  }

  void propagate(std::uint64_t t) {
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      const auto& ps = pops_[p];
      if (ps.spikes.empty()) continue;
      for (int j : ps.outgoing) {
        if (tables_[static_cast<std::size_t>(j)].procedural) {  // static, validated
          propagate_procedural(ps, static_cast<std::size_t>(j), t);
          continue;
        }
        const rule_state* rule = plastic_[static_cast<std::size_t>(j)].efficacy_rule();
        if (!rule) {  // static, or weight rules only: the stored weight is the efficacy
          propagate_projection(ps, static_cast<std::size_t>(j), t, [](const synapse_table& tab, std::uint64_t s) { return tab.weight[s]; });
          continue;
        }
        dispatch_rule(rule->setup.rule, [&]<class R>() {
          const auto d = derived_of<R>(*rule);
          const real* st = rule->setup.state.data();
          propagate_projection(ps, static_cast<std::size_t>(j), t, [&](const synapse_table& tab, std::uint64_t s) {
            return R::efficacy(tab.weight[s], load_state<typename R::state>(st, tab.size(), s), d);
          });
        });
      }
    }
  }

  // Each thread owns a contiguous range of target neurons and, in every spike's row (sorted
  // by target), adds only the synapses onto its range: no atomics, no per-thread copies, and
  // each ring cell sums its inputs in row order, whatever the thread count. Runs
  // walk(ring, n, lo, hi) for each range [lo, hi) of the n target neurons, one thread each;
  // ranges start at multiples of `granule` (a procedural row's segment, so that no segment is
  // drawn by two threads).
  template <class Walk>
  void by_target_range(const population_state& ps, std::size_t j, Walk&& walk, std::uint64_t granule = 1) {
    const auto tgt = static_cast<std::size_t>(proj_target_[j]);
    const std::uint64_t n = pops_[tgt].n;
    std::int64_t* ring = ring_.data() + ring_base_[tgt] + static_cast<std::uint64_t>(proj_port_[j]) * ring_len_ * n;
    const std::uint64_t work = ps.spikes.size() * (tables_[j].size() / std::max<std::uint64_t>(1, ps.n) + 1);
    for_each_range(n, work >= parallel_min_synapses, granule, [&](std::uint64_t lo, std::uint64_t hi) {
      walk(ring, n, static_cast<std::uint32_t>(lo), static_cast<std::uint32_t>(hi));
    });
  }

  template <class WeightOf>
  void propagate_projection(const population_state& ps, std::size_t j, std::uint64_t t, WeightOf&& weight_of) {
    const synapse_table& tab = tables_[j];
    const std::uint64_t now = t % ring_len_;
    by_target_range(ps, j, [&](std::int64_t* ring, std::uint64_t n, std::uint32_t lo, std::uint32_t hi) {
      const std::uint32_t* target = tab.target.data();
      for (const std::uint32_t pre : ps.spikes) {
        const std::uint32_t* b = target + tab.row_ptr[pre];
        const std::uint32_t* e = target + tab.row_ptr[pre + 1];
        if (hi - lo < n) {
          b = std::lower_bound(b, e, lo);
          e = std::lower_bound(b, e, hi);
        }
        const auto first = static_cast<std::uint64_t>(b - target), last = static_cast<std::uint64_t>(e - target);
        for (std::uint64_t s = first; s < last; ++s) {
          if (prefetch_ring_ && s + prefetch_ahead < last)
            __builtin_prefetch(ring + arrival_row(now, tab.delay[s + prefetch_ahead], ring_len_) * n + tab.target[s + prefetch_ahead], 1);
          ring[arrival_row(now, tab.delay[s], ring_len_) * n + tab.target[s]] += to_fixed(weight_of(tab, s));
        }
      }
    });
  }
  // Where the ring cells are scattered over more memory than the caches hold (the full
  // microcircuit: 50 MB), propagation requests the cell prefetch_ahead synapses ahead early, so
  // that many misses overlap (11.4 -> 5.9 s per biological second on 2 threads; 16 ahead: 9.7,
  // 32: 6.4, 128: 5.9). Below prefetch_min_ring_bytes the requests only cost time (Brunel
  // 12.5 k: ~5%).
  static constexpr std::uint64_t prefetch_ahead = 64;                   // synapses
  static constexpr std::uint64_t prefetch_min_ring_bytes = 8ull << 20;  // all ring cells
  bool prefetch_ring_ = false;

  // A procedural projection regenerates each spike's row, each thread the segments of its range
  // of targets: the same synapses, in the same order, as a stored row.
  void propagate_procedural(const population_state& ps, std::size_t j, std::uint64_t t) {
    const row_rule& r = *tables_[j].procedural;
    const std::uint64_t now = t % ring_len_;
    const delay_rounding steps(r);
    by_target_range(
        ps, j,
        [&](std::int64_t* ring, std::uint64_t n, std::uint32_t lo, std::uint32_t hi) {
          if (lo == hi) return;
          const std::uint32_t first = lo / r.segment, last = (hi - 1) / r.segment;  // whole segments
          for (const std::uint32_t pre : ps.spikes)
            for (std::uint32_t k = first; k <= last; ++k)
              generate_segment(r, pre, k, [&](std::uint32_t i, float w, double d) {
                ring[arrival_row(now, steps(d), ring_len_) * n + i] += to_fixed(w);
              });
        },
        r.segment);
  }

  // Records this step's spikes in the histories, then runs the rules' updates at postsynaptic
  // spikes (weight rules that pair spikes), through the column index.
  void post_spike_plasticity(std::uint64_t t) {
    for (auto& ps : pops_) {
      if (!ps.hist_len) continue;
      std::uint8_t* row = ps.hist.data() + (t % ps.hist_len) * ps.n;
      std::fill(row, row + ps.n, std::uint8_t{0});
      for (auto i : ps.spikes) row[i] = 1;
    }
    for_each_rule([&]<class R>(std::size_t j, std::size_t k) {
      if constexpr (plasticity::pairs_spikes<R>) post_spike_step<R>(j, k, t);
    });
  }
  void synapse_dynamics(std::uint64_t t) {
    for_each_rule([&]<class R>(std::size_t j, std::size_t k) {
      if constexpr (plasticity::changes_weight<R>)
        weight_rule_step<R>(j, k, t);
      else
        rule_step<R>(j, k, t);
    });
  }
  void slow_processes(std::uint64_t t) {
    for_each_rule([&]<class R>(std::size_t j, std::size_t k) {
      if constexpr (plasticity::has_slow_processes<R>) slow_step<R>(j, k, t);
      if constexpr (plasticity::scales_weights<R>) scale_step<R>(j, k, t);
    });
  }
  // Calls f.template operator()<Rule>(projection, position) for every rule of every projection.
  template <class F>
  void for_each_rule(F&& f) {
    for (std::size_t j = 0; j < plastic_.size(); ++j)
      for (std::size_t k = 0; k < plastic_[j].rules.size(); ++k)
        dispatch_rule(plastic_[j].rules[k].setup.rule, [&]<class R>() { f.template operator()<R>(j, k); });
  }

  void record(std::uint64_t t) {
    for (std::size_t p = 0; p < pops_.size(); ++p) rec_.spike_count[p] += pops_[p].spikes.size();
    for (auto& r : rec_.spike_recorders) {
      for (auto i : pops_[static_cast<std::size_t>(r.population)].spikes) {
        if (!r.selected.empty() && !r.selected[i]) continue;
        r.step.push_back(t);
        r.neuron.push_back(i);
      }
    }
    for (auto& r : rec_.rate_recorders) {
      const std::uint64_t b = t / r.bin_steps;
      if (b < r.counts.size()) r.counts[b] += pops_[static_cast<std::size_t>(r.population)].spikes.size();
    }
    for (auto& r : rec_.state_recorders) {
      if ((t + 1) % r.interval_steps != 0) continue;
      const auto& ps = pops_[static_cast<std::size_t>(r.population)];
      r.times.push_back(static_cast<double>(t + 1) * net_.run.dt);
      for (std::size_t v = 0; v < r.variables.size(); ++v)
        for (auto i : r.neurons) r.values[v].push_back(ps.soa[static_cast<std::uint64_t>(r.var_index[v]) * ps.n + i]);
    }
    take_weight_snapshots(t + 1);
  }

 private:
  void init_population(std::size_t p) {
    auto& ps = pops_[p];
    ps.n = net_.populations[p].size;
    if (is_spike_source(net_.populations[p].model)) {
      spike_source_schedule(net_, p, ps.src_ptr, ps.src_steps);
      ps.src_cursor.assign(ps.src_ptr.begin(), ps.src_ptr.end() - 1);
      return;
    }
    neuron_setup ns = setup_neurons(net_, p);
    ps.model = ns.model;
    ps.n_ports = ns.n_ports;
    ps.n_vars = ns.n_vars;
    ps.derived = std::move(ns.derived);
    ps.soa = std::move(ns.soa);
    ps.i_stim.assign(ps.n, 0);
    ps.fired.assign(ps.n, 0);
    ps.input.assign(static_cast<std::uint64_t>(ps.n_ports) * ps.n, 0);
  }

  // Neurons [lo, hi) of a population of n: state variables n apart in `soa`, inputs per port
  // n apart in `input`. Written so that GCC vectorizes the loop (IEEE operations in SIMD lanes
  // round exactly as in scalar code, so the spikes do not change): every pointer is an
  // argument of a function that is not inlined (a store through `fired`, a uint8_t*, may alias
  // any pointer held in memory, which would then be reloaded per neuron); models branch on
  // values only, which -fno-trapping-math lets it turn into selects; `ivdep`, as the state
  // variables lie in one array and it cannot prove them disjoint. Not `omp simd`: that puts
  // each lane's state struct in memory, and conditional stores into it keep the loop scalar.
  // `flatten` inlines the whole update: GCC's inliner otherwise stops at AdEx's RK4 step (four
  // expf calls), and one call left in the loop keeps it scalar (AdEx update 8x slower).
  template <class M>
  struct update_loop {
    using D = typename M::derived;
    static void run(const D& d, real* soa, const real* input, const real* i_stim,
                  std::uint8_t* fired, std::uint64_t n, std::uint64_t lo, std::uint64_t hi) {
#pragma GCC ivdep
      for (std::uint64_t i = lo; i < hi; ++i) {
        auto s = load_state<typename M::state>(soa, n, i);
        real in[M::n_ports];
        for (int k = 0; k < M::n_ports; ++k) in[k] = input[static_cast<std::uint64_t>(k) * n + i];
        // 2 marks a NaN membrane potential (as the CUDA backend's error word does).
        fired[i] = static_cast<std::uint8_t>((M::update(s, d, in, i_stim[i]) ? 1 : 0) | (s.v == s.v ? 0 : 2));
        store_state(soa, n, i, s);
      }
    }
    // The same loop for each instruction set (cpu_isa.hpp).
    __attribute__((noinline, flatten)) static void baseline(D d, real* soa, const real* input, const real* i_stim, std::uint8_t* fired,
                                                   std::uint64_t n, std::uint64_t lo, std::uint64_t hi) {
      run(d, soa, input, i_stim, fired, n, lo, hi);
    }
    __attribute__((noinline, flatten)) ENGRAM_TARGET_AVX2 static void avx2(D d, real* soa, const real* input, const real* i_stim,
                                                               std::uint8_t* fired, std::uint64_t n, std::uint64_t lo,
                                                               std::uint64_t hi) {
      run(d, soa, input, i_stim, fired, n, lo, hi);
    }
  };

  template <class M>
  void update_population(population_state& ps) {
    typename M::derived d;
    std::memcpy(&d, ps.derived.data(), sizeof d);
    const std::uint64_t n = ps.n;
    std::uint8_t* fired = ps.fired.data();
    real* soa = ps.soa.data();
    const real* input = ps.input.data();
    const real* i_stim = ps.i_stim.data();
    const auto loop = isa_ == cpu_isa::avx2 ? &update_loop<M>::avx2 : &update_loop<M>::baseline;
    for_each_range(n, n >= parallel_min_neurons, 1,
                   [&](std::uint64_t lo, std::uint64_t hi) { loop(d, soa, input, i_stim, fired, n, lo, hi); });
    for (std::uint64_t i = 0; i < n; ++i) {
      if (fired[i] & 2)
        throw simulation_error(fmt::format("neuron {} of population {} has a NaN membrane potential at step {} "
                                           "(check parameters, weights and initial values)",
                                           i, net_.populations[static_cast<std::size_t>(&ps - pops_.data())].name, step_));
      if (fired[i]) ps.spikes.push_back(static_cast<std::uint32_t>(i));
    }
  }

  // One step of a plastic projection's rule: presynaptic traces (spikes delay_steps late),
  // postsynaptic traces, then every synapse of every row that can change.
  template <class R>
  void rule_step(std::size_t j, std::size_t k, std::uint64_t t) {
    auto& pl = plastic_[j].rules[k];
    const auto d = derived_of<R>(pl);
    const auto& src = source_of(j);
    const auto& tgt = target_of(j);
    const std::uint64_t delay = R::delay_steps(d);
    const std::uint8_t* arrived = flags_ago(src, t, delay);
    for (std::uint64_t i = 0; i < src.n; ++i) {
      auto x = load_state<typename R::pre_state>(pl.pre.data(), src.n, i);
      R::update_pre(x, d, arrived && arrived[i]);
      store_state(pl.pre.data(), src.n, i, x);
    }
    const std::uint64_t post_delay = R::post_delay_steps(d);
    const std::uint8_t* fired = flags_ago(tgt, t, post_delay);
    const real* v = tgt.soa.data();  // state variable 0 is the membrane potential of every model
    real bound = 0;
    for (std::uint64_t i = 0; i < tgt.n; ++i) {
      auto y = load_state<typename R::post_state>(pl.post.data(), tgt.n, i);
      R::update_post_neuron(y, d, fired && fired[i] != 0, v[i]);
      store_state(pl.post.data(), tgt.n, i, y);
      bound = std::max(bound, R::post_bound(y));
    }
    const synapse_table& tab = tables_[j];
    const std::uint64_t n_syn = tab.size();
    real* st = pl.setup.state.data();
    const std::uint64_t seed = net_.run.seed;
    const auto row = [&](std::uint64_t i) {
      const auto x = load_state<typename R::pre_state>(pl.pre.data(), src.n, i);
      if (R::row_quiet(x, bound, d, t)) return;
      for (std::uint64_t s = tab.row_ptr[i]; s < tab.row_ptr[i + 1]; ++s) {
        const auto y = load_state<typename R::post_state>(pl.post.data(), tgt.n, tab.target[s]);
        auto z = load_state<typename R::state>(st, n_syn, s);
        R::synapse_step(z, d, x, y, t, plasticity::synapse_noise{seed, static_cast<std::uint32_t>(j), s, t});
        store_state(st, n_syn, s, z);
      }
    };
    if (n_syn >= parallel_min_synapses && threads_ > 1) {
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads_)
      for (std::uint64_t i = 0; i < src.n; ++i) row(i);
    } else {
      for (std::uint64_t i = 0; i < src.n; ++i) row(i);
    }
  }

  // Slow processes of a rule (every slow_every steps): a per-neuron sum over its synapses in
  // fixed point (order-independent, as on the GPU), then per neuron, then per synapse.
  template <class R>
  void slow_step(std::size_t j, std::size_t k, std::uint64_t t) {
    auto& pl = plastic_[j].rules[k];
    const auto d = derived_of<R>(pl);
    const std::uint32_t every = R::slow_every(d);
    if (every == 0 || (t + 1) % every != 0) return;
    const synapse_table& tab = tables_[j];
    const std::uint64_t n_syn = tab.size(), n_post = pl.post_sum.size();
    real* st = pl.setup.state.data();
    std::fill(pl.post_sum.begin(), pl.post_sum.end(), 0);
    for (std::uint64_t s = 0; s < n_syn; ++s)
      pl.post_sum[tab.target[s]] += to_fixed(R::protein_drive(load_state<typename R::state>(st, n_syn, s), d));
    for (std::uint64_t i = 0; i < n_post; ++i) {
      auto y = load_state<typename R::post_state>(pl.post.data(), n_post, i);
      R::slow_post(y, d, from_fixed(pl.post_sum[i]), t);
      store_state(pl.post.data(), n_post, i, y);
    }
    for_each_index(n_syn, n_syn >= parallel_min_synapses, [&](std::uint64_t s) {
      auto z = load_state<typename R::state>(st, n_syn, s);
      R::slow_synapse(z, d, load_state<typename R::post_state>(pl.post.data(), n_post, tab.target[s]));
      store_state(st, n_syn, s, z);
    });
  }

  // Weight rules (phases 5 and 6; rule_common.hpp): at postsynaptic spikes through the column
  // index, then at presynaptic spikes along the rows, both with the traces as they stood before
  // this step's spikes; then the traces. Each synapse changes only in its own column and row,
  // so the loops run in parallel with the same result for any thread count.
  template <class R>
  void post_spike_step(std::size_t j, std::size_t k, std::uint64_t t) {
    const auto v = weight_view<R>(j, k);
    const std::uint8_t* fired = flags_ago(target_of(j), t, R::post_delay_steps(v.d));
    if (!fired) return;
    const column_index& col = plastic_[j].columns;
    float* w = tables_[j].weight.data();
    std::vector<std::uint32_t>& firing = arrivals_;
    firing.clear();
    spiking_neurons(fired, v.n_target, firing);
    for (const std::uint32_t i : firing) {
      const auto y = v.seen_post(i);
      const std::uint64_t b = col.col_ptr[i], e = col.col_ptr[i + 1];
      for_each_index(e - b, e - b >= parallel_min_synapses, [&](std::uint64_t c) {
        const std::uint64_t s = col.synapse[b + c];
        w[s] = v.after_post_spike(w[s], col.source[b + c], y);
      });
    }
  }
  template <class R>
  void weight_rule_step(std::size_t j, std::size_t k, std::uint64_t t) {
    const auto v = weight_view<R>(j, k);
    const auto& tgt = target_of(j);
    const std::uint8_t* arrived = flags_ago(source_of(j), t, R::delay_steps(v.d));
    if constexpr (plasticity::pairs_spikes<R>) {
      const synapse_table& tab = tables_[j];
      float* w = tables_[j].weight.data();
      // The rows of this step's arrivals; in parallel only when they hold enough synapses (a
      // parallel region per projection and step would cost more than the work).
      std::vector<std::uint32_t>& rows = arrivals_;
      rows.clear();
      if (arrived) spiking_neurons(arrived, v.n_source, rows);
      const std::uint64_t work = rows.size() * (tab.size() / std::max<std::uint64_t>(1, v.n_source) + 1);
      for_each_index(rows.size(), work >= parallel_min_synapses, [&](std::uint64_t r) {
        const std::uint32_t i = rows[r];
        const auto x = v.seen_pre(i);
        for (std::uint64_t s = tab.row_ptr[i]; s < tab.row_ptr[i + 1]; ++s) w[s] = v.after_pre_spike(w[s], x, tab.target[s]);
      });
    }
    const std::uint8_t* fired = flags_ago(tgt, t, R::post_delay_steps(v.d));
    if (no_spikes_.size() < std::max(v.n_source, v.n_target)) no_spikes_.assign(std::max(v.n_source, v.n_target), 0);
    step_traces(v, arrived ? arrived : no_spikes_.data(), fired ? fired : no_spikes_.data(),  // zeros before the first spikes
                tgt.soa.data());  // state variable 0 is the membrane potential of every model
  }
  // Every trace of a weight rule, every step: branch-free updates over the spike flags, so the
  // loops vectorise (they ran once per rule and projection and were most of a plastic network's
  // step). The view comes by value: one that lambdas had captured by reference would have to be
  // reloaded at every iteration, and the loops would stay scalar.
  template <class R>
  static void step_traces(const weight_rule_view<R> v, const std::uint8_t* arrived, const std::uint8_t* fired, const real* vm) {
    const std::uint64_t n_source = v.n_source, n_target = v.n_target;
#pragma omp simd
    for (std::uint64_t i = 0; i < n_source; ++i) v.step_pre(i, arrived[i] != 0);
#pragma omp simd
    for (std::uint64_t i = 0; i < n_target; ++i) v.step_post(i, fired[i] != 0, vm[i]);
  }
  // Weight rules that rescale weights (synaptic_scaling) every slow_every steps.
  template <class R>
  void scale_step(std::size_t j, std::size_t k, std::uint64_t t) {
    const auto v = weight_view<R>(j, k);
    const std::uint32_t every = R::slow_every(v.d);
    if (every == 0 || (t + 1) % every != 0) return;
    synapse_table& tab = tables_[j];
    for_each_index(tab.size(), tab.size() >= parallel_min_synapses,
                   [&](std::uint64_t s) { tab.weight[s] = v.rescaled(tab.weight[s], tab.target[s]); });
  }
  // Rule k of projection j as a weight rule (src/weight_rule_view.hpp).
  template <class R>
  weight_rule_view<R> weight_view(std::size_t j, std::size_t k) {
    auto& r = plastic_[j].rules[k];
    return {derived_of<R>(r), r.pre.data(), source_of(j).n, r.post.data(), target_of(j).n};
  }

  // Appends the indices of the set flags, ascending; skips 8 clear flags at a time (few neurons
  // spike in a step, and this scan runs per rule, projection and step).
  static void spiking_neurons(const std::uint8_t* flags, std::uint64_t n, std::vector<std::uint32_t>& out) {
    std::uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, flags + i, 8);
      if (!word) continue;
      for (std::uint64_t k = i; k < i + 8; ++k)
        if (flags[k]) out.push_back(static_cast<std::uint32_t>(k));
    }
    for (; i < n; ++i)
      if (flags[i]) out.push_back(static_cast<std::uint32_t>(i));
  }

  // A rule's derived parameters (set up once on the host, kept as bytes).
  template <class R>
  static typename R::derived derived_of(const rule_state& r) {
    typename R::derived d;
    std::memcpy(&d, r.setup.derived.data(), sizeof d);
    return d;
  }
  const population_state& source_of(std::size_t j) const {
    return pops_[static_cast<std::size_t>(net_.population_index(net_.projections[j].source))];
  }
  const population_state& target_of(std::size_t j) const { return pops_[static_cast<std::size_t>(proj_target_[j])]; }
  // A population's spike flags of `ago` steps before step t (nullptr before the run began).
  static const std::uint8_t* flags_ago(const population_state& ps, std::uint64_t t, std::uint64_t ago) {
    return t >= ago ? ps.hist.data() + ((t - ago) % ps.hist_len) * ps.n : nullptr;
  }

  // The weights spikes deliver now: the stored weights, or the state rule's efficacies.
  std::vector<float> efficacies(std::size_t j) const {
    const rule_state* r = plastic_[j].efficacy_rule();
    return r ? engram::efficacies(r->setup, tables_[j].weight, r->setup.state) : tables_[j].weight;
  }

  void take_weight_snapshots(std::uint64_t done) {
    for (auto& r : rec_.weight_recorders)
      for (auto at : r.at_step)
        if (at == done) {
          const auto j = static_cast<std::size_t>(r.projection);
          snapshot_weights(tables_[j], r.var_index < 0 ? efficacies(j) : synapse_variable(r.projection, r.variable), r);
        }
  }

  const network& net_;
  int threads_ = 1;
  cpu_isa isa_ = cpu_isa::baseline;  // the vectorized loops' instruction set (cpu_isa.hpp)
  std::uint64_t step_ = 0;
  std::vector<population_state> pops_;
  std::vector<std::uint32_t> poisson_words_;  // scratch of stimulate(): 4 per group of four neurons of the largest population
  std::vector<synapse_table> tables_;
  std::vector<int> proj_target_, proj_port_;
  std::vector<plastic_projection> plastic_;
  std::vector<std::uint32_t> arrivals_;  // scratch: presynaptic neurons whose spikes reach a rule now
  std::vector<std::uint8_t> no_spikes_;  // zeros: the spike flags before a delayed history exists
  std::uint64_t ring_len_ = 2;
  std::vector<std::uint64_t> ring_base_;
  std::vector<std::int64_t> ring_;  // per population: ports x ring_len x n
  stimulus_plans stims_;
  recording rec_;
  phase_times phase_s_{};  // over the timed steps (phase_timed)
  std::uint64_t timed_steps_ = 0, steps_advanced_ = 0;
  std::chrono::steady_clock::time_point lap_start_;
};

}  // namespace

std::unique_ptr<simulation> make_cpu_simulation(const network& net, int threads) {
  return std::make_unique<cpu_simulation>(net, threads);
}

}  // namespace engram
