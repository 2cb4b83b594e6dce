// The CUDA backend's host side: device memory, a persistent cooperative kernel that runs many
// steps per launch (kernels/step_kernels.cuh), recording buffers flushed in large chunks.
// Model math, connectivity and the phase order (engine.hpp) are the CPU backend's.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "backend_setup.hpp"
#include "cuda_bridge.hpp"
#include "cuda_check.cuh"
#include "dev_array.cuh"
#include "device_connectivity.cuh"
#include "engram/errors.hpp"
#include "engram/models.hpp"
#include "math_probe.hpp"
#include "models/registry.hpp"
#include "plasticity_setup.hpp"
#include "recorder_setup.hpp"
#include "stage_timer.hpp"
#include "state_blocks.hpp"
#include "step_kernels.cuh"
#include "synapse_table.hpp"

namespace engram {
namespace cuda_detail {
namespace {

constexpr unsigned block_size = step_block_size;  // the step kernel's launch bounds

struct device_population {
  int model = -1;  // -1: spike source
  std::uint64_t n = 0;
  int n_ports = 0, n_vars = 0;
  std::vector<char> derived;
  dev_array<real> soa;
  dev_array<std::int64_t> ring;
  dev_array<std::uint32_t> list, count, step_counts, rec_buf;  // list: spike_list_slots(list_len) x n
  dev_array<unsigned long long> rec_offset;
  bool recorded = false;
  std::vector<stim_desc> stims_host;
  dev_array<stim_desc> stims;
  dev_array<std::uint64_t> src_ptr, src_steps, src_cursor;
  std::vector<int> outgoing;
  dev_array<std::uint8_t> hist;
  std::uint64_t hist_len = 0;
  std::uint64_t list_len = 0;  // steps of spike lists pairing rules read (spike_list_lengths)
};

struct device_rule {
  plasticity_setup setup;  // setup.state is emptied once uploaded (the device copy is live)
  dev_array<real> state, pre, post;
  dev_array<unsigned> post_bound;          // state rules
  dev_array<unsigned long long> post_sum;  // state rules
};

struct device_projection {
  dev_array<std::uint64_t> row_ptr;
  dev_array<std::uint32_t> target;
  dev_array<float> weight;
  dev_array<std::uint16_t> delay;
  dev_array<row_rule> rows;  // one element for a procedural projection (arrays above empty)
  int source = -1, target_pop = -1, port = 0;
  std::uint32_t group = 32;                           // threads per spike in propagation
  std::uint32_t col_group = 32, row_walk_group = 32;  // at most, in the pairing rules' walks
  std::vector<device_rule> rules;  // the "plasticity" list, in order
  int state_rule = -1;             // position in rules of the one with synapse state, or -1
  dev_array<std::uint64_t> col_ptr, col_synapse;  // column index, when a rule pairs spikes
  dev_array<std::uint32_t> col_source;
};

struct device_probe {
  dev_array<std::int32_t> position;  // per neuron of the population: place in the recorder's list, or -1
  dev_array<int> vars;               // state field indices
  std::uint64_t n_cells = 0;         // variables x neurons, variable-major
  dev_array<real> buf;
  std::uint64_t samples_pending = 0;
};

// Threads per spike for a projection: about a quarter of the mean row (or column) length, so a
// group walks its row in a few strides (latency-bound rows), between one warp and `most`
// (propagation: a block; the plasticity walks, which choose per step up to it: four blocks).
std::uint32_t group_size(std::uint64_t synapses, std::uint64_t rows, std::uint32_t most = 256) {
  const std::uint64_t mean = rows ? synapses / rows : 0;
  std::uint32_t g = 32;
  while (g < most && g * 4 < mean) g *= 2;
  return g;
}

class cuda_simulation final : public simulation {
 public:
  explicit cuda_simulation(const network& net) : net_(net) {
    stage_timer timer(build_stages);
    ENGRAM_CUDA_CHECK(cudaSetDevice(0));
    cudaDeviceProp prop{};
    ENGRAM_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
    device_name_ = prop.name;
    sms_ = prop.multiProcessorCount;
    ENGRAM_CUDA_CHECK(cudaFree(nullptr));  // creates the context here, so its time is its own stage
    push_ = push_short_rows();
    timer.mark("device");
    check_memory();
    stream_ = std::make_unique<owned_stream>();
    error_.resize(1);
    phase_ns_.resize(engine_phases.size() + 1);  // + the number of timed steps
    pops_.resize(net.populations.size());
    std::uint16_t max_delay = 1;
    built_.resize(net.projections.size());
    for (std::size_t j = 0; j < net.projections.size(); ++j) {
      if (net.projections[j].procedural) {  // counted on the device, where its rows will be made
        tables_.push_back(procedural_table(net, j));
        tables_.back().count = count_on_device(*generator_rule_of(net, j), *stream_);
      } else {
        tables_.push_back(builds_on_device(j) ? device_build(j) : build_synapses(net, j));
      }
      max_delay = std::max(max_delay, tables_.back().max_delay);
    }
    timer.mark("connectivity");
    ring_len_ = static_cast<std::uint64_t>(max_delay) + 1;
    rec_ = setup_recording(net);
    std::uint64_t recorded_neurons = 0;
    for (const auto& r : rec_.spike_recorders)
      if (!pops_[static_cast<std::size_t>(r.population)].recorded) {
        pops_[static_cast<std::size_t>(r.population)].recorded = true;
        recorded_neurons += net.populations[static_cast<std::size_t>(r.population)].size;
      }
    // Flush interval: the recording buffer must hold the worst case (every recorded neuron
    // spiking every step) between flushes.
    constexpr std::uint64_t rec_capacity_pairs = 1u << 24;  // 128 MiB
    flush_every_ = 2000;
    if (recorded_neurons) flush_every_ = std::clamp<std::uint64_t>(rec_capacity_pairs / recorded_neurons, 1, 2000);
    for (std::size_t p = 0; p < pops_.size(); ++p) init_population(p, recorded_neurons ? std::min<std::uint64_t>(rec_capacity_pairs, recorded_neurons * flush_every_) : 0);
    timer.mark("neurons");
    for (std::size_t j = 0; j < net.projections.size(); ++j) init_projection(j);
    timer.mark("table_upload");
    init_plasticity();
    timer.mark("plasticity");
    init_stimuli();
    for (auto& ps : pops_) ps.stims.upload(ps.stims_host);
    for (const auto& r : rec_.state_recorders) {
      device_probe dp;
      std::vector<std::int32_t> position(pops_[static_cast<std::size_t>(r.population)].n, -1);
      for (std::size_t k = 0; k < r.neurons.size(); ++k) position[r.neurons[k]] = static_cast<std::int32_t>(k);  // validated: no neuron twice
      dp.position.upload(position);
      dp.vars.upload(r.var_index);
      dp.n_cells = r.var_index.size() * r.neurons.size();
      dp.buf.resize(dp.n_cells * (flush_every_ / r.interval_steps + 2));
      probes_.push_back(std::move(dp));
    }
    upload_descriptors();
    take_weight_snapshots(0);
    timer.mark("stimuli_and_recorders");
  }

  // Runs the persistent kernel for as many steps as possible per launch: up to the next
  // flush of the recording buffers or the next weight snapshot.
  void advance(std::uint64_t n) override {
    steps_advanced_ += n;
    std::uint64_t left = n;
    while (left > 0) {
      std::uint64_t k = std::min(left, flush_every_ - local_steps_);
      for (const auto& r : rec_.weight_recorders)
        for (auto at : r.at_step)
          if (at > step_ && at - step_ < k) k = at - step_;
      launch(k);
      for (std::size_t r = 0; r < rec_.state_recorders.size(); ++r) {
        auto& sr = rec_.state_recorders[r];
        for (std::uint64_t s = step_ + 1; s <= step_ + k; ++s)
          if (s % sr.interval_steps == 0) {
            sr.times.push_back(static_cast<double>(s) * net_.run.dt);
            ++probes_[r].samples_pending;
          }
      }
      step_ += k;
      local_steps_ += k;
      left -= k;
      if (local_steps_ == flush_every_ || left == 0) flush();
      take_weight_snapshots(step_);
    }
  }
  std::uint64_t steps_done() const override { return step_; }
  recording& results() override {
    flush();
    return rec_;
  }
  std::string backend_name() const override { return "cuda"; }
  phase_times phase_seconds() override {
    ENGRAM_CUDA_CHECK(cudaStreamSynchronize(*stream_));
    std::vector<unsigned long long> ns;
    phase_ns_.download(ns, phase_ns_.size());
    phase_times s{};
    for (std::size_t k = 0; k < s.size(); ++k) s[k] = static_cast<double>(ns[k]) * 1e-9;
    return scaled_phase_times(s, ns[s.size()], steps_advanced_);
  }
  int threads() const override { return 1; }
  std::vector<std::uint64_t> projection_sizes() const override { return table_sizes(tables_); }
  std::uint64_t bytes_per_synapse() const override {
    std::vector<int> rule_values;
    for (const auto& pj : projs_) {
      int values = pj.col_source.size() ? static_cast<int>(column_index::bytes_per_synapse / 4) : 0;
      for (const auto& r : pj.rules) values += r.setup.n_state;
      rule_values.push_back(values);
    }
    return mean_bytes_per_synapse(tables_, rule_values);
  }

  // The CPU backend's blocks, with the same names and layouts (the ring concatenated over the
  // populations, spike-source cursors relative to each train), so a checkpoint written by
  // either backend resumes on either.
  state_blocks export_state() override {
    flush();
    state_blocks b;
    b.emplace_back("step", to_bytes(std::vector<std::uint64_t>{step_}));
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      b.emplace_back(population_block(p, "soa"), to_bytes(pops_[p].soa.to_host()));
      b.emplace_back(population_block(p, "cursor"), to_bytes(source_progress(pops_[p].src_cursor.to_host(), pops_[p].src_ptr.to_host())));
    }
    std::vector<std::int64_t> ring;
    for (const auto& ps : pops_) {
      const auto part = ps.ring.to_host();
      ring.insert(ring.end(), part.begin(), part.end());
    }
    b.emplace_back("ring", to_bytes(ring));
    for (std::size_t j = 0; j < projs_.size(); ++j) b.emplace_back(projection_block(j, "weight"), to_bytes(projs_[j].weight.to_host()));
    for (std::size_t p = 0; p < pops_.size(); ++p)
      if (pops_[p].hist_len) b.emplace_back(population_block(p, "hist"), to_bytes(pops_[p].hist.to_host()));
    for (std::size_t j = 0; j < projs_.size(); ++j)
      for (std::size_t k = 0; k < projs_[j].rules.size(); ++k) {
        const auto& r = projs_[j].rules[k];
        b.emplace_back(rule_block(j, k, "state"), to_bytes(r.state.to_host()));
        b.emplace_back(rule_block(j, k, "pre"), to_bytes(r.pre.to_host()));
        b.emplace_back(rule_block(j, k, "post"), to_bytes(r.post.to_host()));
      }
    export_recording(rec_, b);
    return b;
  }
  void import_state(const state_blocks& b) override {
    flush();
    reset_step_scratch();
    std::vector<std::uint64_t> step(1);
    from_block(b, "step", step);
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      auto& ps = pops_[p];
      restore(b, population_block(p, "soa"), ps.soa);
      if (ps.src_cursor.size()) {  // a longer resumed run has longer trains
        std::vector<std::uint64_t> progress(ps.src_cursor.size());
        from_block(b, population_block(p, "cursor"), progress);
        ps.src_cursor.assign(cursors_from_progress(progress, ps.src_ptr.to_host()));
      }
    }
    std::size_t ring_total = 0;
    for (const auto& ps : pops_) ring_total += ps.ring.size();
    std::vector<std::int64_t> ring(ring_total);
    from_block(b, "ring", ring);
    std::size_t at = 0;
    for (auto& ps : pops_) {
      ps.ring.assign({ring.begin() + static_cast<std::ptrdiff_t>(at), ring.begin() + static_cast<std::ptrdiff_t>(at + ps.ring.size())});
      at += ps.ring.size();
    }
    for (std::size_t j = 0; j < projs_.size(); ++j) restore(b, projection_block(j, "weight"), projs_[j].weight);
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      auto& ps = pops_[p];
      if (!ps.hist_len) continue;
      std::vector<std::uint8_t> flags(ps.hist.size());
      from_block(b, population_block(p, "hist"), flags);
      ps.hist.assign(flags);
      // The checkpoint keeps the flags; the lists the rules read are rebuilt from them.
      const spike_lists lists = spike_lists_from_flags(flags, ps.n, ps.hist_len, ps.list_len, step[0]);
      ps.list.assign(lists.list);
      ps.count.assign(lists.count);
    }
    for (std::size_t j = 0; j < projs_.size(); ++j)
      for (std::size_t k = 0; k < projs_[j].rules.size(); ++k) {
        auto& r = projs_[j].rules[k];
        restore(b, rule_block(j, k, "state"), r.state);
        restore(b, rule_block(j, k, "pre"), r.pre);
        restore(b, rule_block(j, k, "post"), r.post);
      }
    import_recording(b, rec_);
    step_ = step[0];
    ENGRAM_CUDA_CHECK(cudaDeviceSynchronize());
  }

  std::vector<float> state_variable(int population, const std::string& variable) override {
    flush();
    const auto& ps = pops_.at(static_cast<std::size_t>(population));
    const auto k = static_cast<std::uint64_t>(state_index(net_, population, variable));
    std::vector<float> v(ps.n);
    ENGRAM_CUDA_CHECK(cudaMemcpy(v.data(), ps.soa.get() + k * ps.n, ps.n * sizeof(float), cudaMemcpyDeviceToHost));
    return v;
  }
  void synapses(int projection, std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& target,
                std::vector<float>& weight, std::vector<std::uint16_t>& delay) override {
    if (tables_.at(static_cast<std::size_t>(projection)).procedural) {  // static: regenerated on the host
      move_out(build_synapses(net_, static_cast<std::size_t>(projection), true), row_ptr, target, weight, delay);
      return;
    }
    flush();
    const auto& d = projs_.at(static_cast<std::size_t>(projection));
    d.row_ptr.download(row_ptr, d.row_ptr.size());
    d.target.download(target, d.target.size());
    d.weight.download(weight, d.weight.size());
    d.delay.download(delay, d.delay.size());
    weight = efficacies_now(static_cast<std::size_t>(projection), weight);
  }
  std::vector<float> synapse_variable(int projection, const std::string& variable) override {
    flush();
    const auto& d = projs_.at(static_cast<std::size_t>(projection));
    const auto k = static_cast<std::uint64_t>(synapse_state_index(net_, projection, variable));
    const std::uint64_t n = tables_[static_cast<std::size_t>(projection)].size();
    std::vector<float> v(n);
    const real* state = d.rules.at(static_cast<std::size_t>(d.state_rule)).state.get();  // validated: the state rule has it
    if (n) ENGRAM_CUDA_CHECK(cudaMemcpy(v.data(), state + k * n, n * sizeof(float), cudaMemcpyDeviceToHost));
    return v;
  }

 private:
  // Device state that lives only within a step or between flushes (spike counts by step parity,
  // postsynaptic bounds, per-step counts, recording offsets): zero, as in a fresh simulation,
  // so that a checkpoint may be imported into a simulation that has already run.
  void reset_step_scratch() {
    const auto zero = [](auto& d) {
      if (d.size()) ENGRAM_CUDA_CHECK(cudaMemset(d.get(), 0, d.size() * sizeof(*d.get())));
    };
    for (auto& ps : pops_) {
      zero(ps.count);
      zero(ps.step_counts);
      zero(ps.rec_offset);
    }
    for (auto& pj : projs_)
      for (auto& r : pj.rules) zero(r.post_bound);
  }
  // A device array from the checkpoint block of the same name (and size).
  template <class T>
  static void restore(const state_blocks& b, const std::string& name, dev_array<T>& d) {
    std::vector<T> v(d.size());
    from_block(b, name, v);
    d.assign(v);
  }

  void check_memory() {
    std::size_t free_b = 0, total_b = 0;
    ENGRAM_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    const memory_estimate m = estimate_memory(net_);
    // Device: the synapse arrays, neuron state and ring buffers (the host keeps the build).
    const double synapse_bytes = static_cast<double>(m.stored_synapses) * static_cast<double>(synapse_table::bytes_per_synapse);
    const double other = static_cast<double>(m.bytes) - static_cast<double>(m.stored_synapses) * (synapse_table::bytes_per_synapse + 16.0);
    double build_peak = 0.0;  // a table built on the device holds its scratch while it is built
    for (std::size_t j = 0; j < net_.projections.size(); ++j)
      if (builds_on_device(j))
        build_peak = std::max(build_peak, expected_synapses(net_, j) * static_cast<double>(device_build_bytes_per_synapse -
                                                                                            synapse_table::bytes_per_synapse));
    const double need = synapse_bytes + std::max(0.0, other) + build_peak + spike_list_bytes() + 256.0 * 1024 * 1024;
    if (need > static_cast<double>(free_b))
      throw backend_unavailable(net_.source_file + ": the network needs about " + std::to_string(need / 1073741824.0) +
                                " GiB of device memory but " + device_name_ + " has " +
                                std::to_string(static_cast<double>(free_b) / 1073741824.0) + " GiB free");
  }

  // Device bytes of the spike lists of past steps (ADR 0009), which estimate_memory (shared
  // with the CPU backend, which keeps none) leaves out: 4 bytes a neuron per slot, at least
  // spike_list_slots(0) slots, and for pairing rules the steps they read late (an upper bound:
  // populations share theirs).
  double spike_list_bytes() const {
    double bytes = 0.0;
    for (const auto& p : net_.populations) bytes += 4.0 * static_cast<double>(spike_list_slots(0) * p.size);
    for (std::size_t j = 0; j < net_.projections.size(); ++j) {
      const projection& pr = net_.projections[j];
      const double ns = static_cast<double>(net_.populations[static_cast<std::size_t>(net_.population_index(pr.source))].size);
      const double nt = static_cast<double>(net_.populations[static_cast<std::size_t>(net_.population_index(pr.target))].size);
      for (std::size_t k = 0; k < pr.plasticity.size(); ++k) {
        const auto* r = find_plasticity_rule(pr.plasticity[k].rule);
        if (!r || !r->pairs_spikes) continue;
        const auto [pre, post] = rule_delay_steps(net_, j, k);
        bytes += 4.0 * (static_cast<double>(spike_list_slots(pre + 1)) * ns + static_cast<double>(spike_list_slots(post + 1)) * nt);
      }
    }
    return bytes;
  }

  spike_out outputs(device_population& ps) {
    spike_out o{};
    o.list = ps.list.get();
    o.count = ps.count.get();
    o.slots = static_cast<std::uint32_t>(ps.count.size());
    // Fewer than 3 slots would let a skipped propagation barrier read an emptied list: blocks
    // would disagree about the phase's barrier and hang (spike_list_slots).
    if (o.slots < 3) throw internal_error("a population keeps fewer than 3 spike lists");
    o.step_counts = ps.step_counts.get();
    o.rec_buf = ps.recorded ? ps.rec_buf.get() : nullptr;
    o.rec_offset = ps.rec_offset.get();
    o.rec_capacity = ps.rec_buf.size() / 2;
    return o;
  }

  void init_population(std::size_t p, std::uint64_t rec_pairs) {
    const population& desc = net_.populations[p];
    auto& ps = pops_[p];
    ps.n = desc.size;
    ps.step_counts.resize(flush_every_ + 1);
    ps.rec_offset.resize(1);
    if (ps.recorded) ps.rec_buf.resize(2 * rec_pairs);
    if (is_spike_source(desc.model)) {
      std::vector<std::uint64_t> ptr, steps;
      spike_source_schedule(net_, p, ptr, steps);
      ps.src_ptr.upload(ptr);
      ps.src_steps.upload(steps);
      ps.src_cursor.upload(std::vector<std::uint64_t>(ptr.begin(), ptr.end() - 1));
      return;
    }
    neuron_setup ns = setup_neurons(net_, p);
    ps.model = ns.model;
    ps.n_ports = ns.n_ports;
    ps.n_vars = ns.n_vars;
    ps.derived = std::move(ns.derived);
    ps.soa.upload(ns.soa);
    ps.ring.resize(static_cast<std::uint64_t>(ps.n_ports) * ring_len_ * ps.n);
  }

  // Projections whose connector the device can generate are built there
  // (kernels/device_connectivity.cu: the host build's table, in a fraction of its time), and so
  // are the column indexes of their plastic rules; tiny ones (a few kernel launches cost more
  // than the host build) and those with a weights recorder (it reads the host's source/target
  // arrays) stay on the host.
  // Below this the host build is as quick as a few kernel launches (a guess: on an H100 the
  // device build of 3·10^8 synapses in 64 projections took 1.6 s, CUDA context included).
  static constexpr double device_build_min_synapses = 1 << 16;
  bool builds_on_device(std::size_t j) const {
    const projection& pr = net_.projections[j];
    if (pr.procedural || !generator_rule_of(net_, j)) return false;
    for (const auto& r : net_.recorders)
      if (r.type == recorder::kind::weights && r.projection == pr.name) return false;
    const double n = expected_synapses(net_, j);
    return n >= device_build_min_synapses && n < 0.9 * static_cast<double>(1ULL << 31);
  }
  synapse_table device_build(std::size_t j) {
    const device_table& d = built_[j] = build_projection_on_device(net_, j, *stream_);
    synapse_table t;  // the arrays stay on the device
    t.on_device = true;
    t.count = d.target.size();
    t.max_delay = d.max_delay;
    return t;
  }

  void init_projection(std::size_t j) {
    const auto& pr = net_.projections[j];
    const synapse_table& t = tables_[j];
    device_projection d;
    if (t.on_device) {
      d.row_ptr = std::move(built_[j].row_ptr);
      d.target = std::move(built_[j].target);
      d.weight = std::move(built_[j].weight);
      d.delay = std::move(built_[j].delay);
    } else {
      d.row_ptr.upload(t.row_ptr);
      d.target.upload(t.target);
      d.weight.upload(t.weight);
      d.delay.upload(t.delay);
    }
    d.source = net_.population_index(pr.source);
    d.target_pop = net_.population_index(pr.target);
    d.port = port_index(net_, d.target_pop, pr.receptor);
    if (t.procedural) {
      d.rows.upload(std::vector<row_rule>{*t.procedural});
      // Threads per spike: one per segment of the row, up to a warp.
      const std::uint32_t segments = row_segments(*t.procedural);
      d.group = 1;
      while (d.group < 32 && d.group < segments) d.group *= 2;
    } else {
      d.group = group_size(t.size(), pops_[static_cast<std::size_t>(d.source)].n);
    }
    projs_.push_back(std::move(d));
  }

  // Rule state of plastic projections, the column index of those whose rules act at
  // postsynaptic spikes, and the spike history their rules read.
  void init_plasticity() {
    std::vector<std::vector<plasticity_setup>> setups;
    for (std::size_t j = 0; j < projs_.size(); ++j) setups.push_back(setup_plasticity(net_, j, tables_[j].size()));
    const auto hist = spike_history_lengths(net_, setups);
    const auto lists = spike_list_lengths(net_, setups);
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      auto& ps = pops_[p];
      ps.hist_len = hist[p];
      ps.list_len = lists[p];
      ps.hist.resize(hist[p] * ps.n);
      ps.list.resize(spike_list_slots(lists[p]) * ps.n);
      ps.count.resize(spike_list_slots(lists[p]));
    }
    for (std::size_t j = 0; j < projs_.size(); ++j) {
      auto& d = projs_[j];
      if (setups[j].empty()) continue;
      ++n_plastic_;
      d.state_rule = state_rule(setups[j]);
      const std::uint64_t n_src = pops_[static_cast<std::size_t>(d.source)].n;
      const std::uint64_t n_tgt = pops_[static_cast<std::size_t>(d.target_pop)].n;
      bool columns = false;
      for (auto& setup : setups[j]) {
        if (setup.derived.size() > static_cast<std::size_t>(max_rule_derived_bytes))
          throw internal_error("a plasticity rule's derived parameters exceed max_rule_derived_bytes");
        device_rule& r = d.rules.emplace_back();
        r.setup = std::move(setup);
        r.state.upload(r.setup.state);
        r.setup.state = {};  // keep no host copy of the live state
        r.pre.resize(static_cast<std::uint64_t>(r.setup.n_pre) * n_src);
        r.post.resize(static_cast<std::uint64_t>(r.setup.n_post) * n_tgt);
        if (!r.setup.changes_weight) {
          r.post_bound.resize(2);
          r.post_sum.resize(n_tgt);
        }
        columns = columns || r.setup.pairs_spikes;
        n_pairing_ += r.setup.pairs_spikes ? 1 : 0;
      }
      if (columns) {
        d.col_group = group_size(tables_[j].size(), n_tgt, 1024);
        d.row_walk_group = group_size(tables_[j].size(), n_src, 1024);
        if (tables_[j].on_device) {
          device_columns c = build_columns_on_device(d.row_ptr, d.target, n_tgt, *stream_);
          d.col_ptr = std::move(c.col_ptr);
          d.col_synapse = std::move(c.synapse);
          d.col_source = std::move(c.source);
        } else {
          const column_index c = build_columns(tables_[j], n_tgt);
          d.col_ptr.upload(c.col_ptr);
          d.col_synapse.upload(c.synapse);
          d.col_source.upload(c.source);
        }
      }
    }
  }

  // The weights a projection's spikes deliver now, from its stored weights.
  std::vector<float> efficacies_now(std::size_t j, const std::vector<float>& weights) {
    const auto& d = projs_[j];
    if (d.state_rule < 0) return weights;
    const device_rule& r = d.rules[static_cast<std::size_t>(d.state_rule)];
    std::vector<real> state;
    r.state.download(state, r.state.size());
    return efficacies(r.setup, weights, state);
  }

  // Device descriptors of the stimulus plans, grouped by target population in the order every
  // backend applies them (plan_stimuli: Poisson stimuli first, then currents).
  void init_stimuli() {
    const stimulus_plans plans = plan_stimuli(net_);
    auto neuron_map = [&](int pop, const std::vector<std::uint32_t>& neurons) -> const std::int32_t* {
      if (neurons.empty()) return nullptr;
      std::vector<std::int32_t> map(pops_[static_cast<std::size_t>(pop)].n, -1);
      for (std::size_t k = 0; k < neurons.size(); ++k) map[neurons[k]] = static_cast<std::int32_t>(k);
      return keep(map);
    };
    for (const auto& pp : plans.poisson) {
      stim_desc sd{};
      sd.type = 0;
      sd.port = pp.port;
      sd.id = pp.id;
      sd.map = neuron_map(pp.pop, pp.neurons);
      sd.per_neuron = pp.chunks.size() > 1;
      sd.chunks = keep(pp.chunks);
      sd.chunk_lambda = keep(pp.chunk_lambda);
      sd.exp_minus = keep(pp.exp_minus);
      sd.weight = pp.weight;
      sd.start = pp.start;
      sd.stop = pp.stop;
      pops_[static_cast<std::size_t>(pp.pop)].stims_host.push_back(sd);
    }
    for (const auto& cp : plans.currents) {
      stim_desc sd{};
      sd.type = 1;
      sd.map = neuron_map(cp.pop, cp.neurons);
      sd.change_steps = keep(cp.change_steps);
      sd.amplitudes = keep(cp.amplitudes);
      sd.n_changes = static_cast<int>(cp.change_steps.size());
      pops_[static_cast<std::size_t>(cp.pop)].stims_host.push_back(sd);
    }
  }

  // Uploads a small host array and keeps it alive for the simulation's lifetime.
  template <class T>
  const T* keep(const std::vector<T>& v) {
    auto a = std::make_shared<dev_array<T>>();
    a->upload(v);
    const T* p = a->get();
    kept_.push_back(std::move(a));
    return p;
  }

  // Device-side descriptors of every population, projection and probe, and the grid size:
  // as many blocks as the largest population needs, at most what can be co-resident (a
  // cooperative launch requires it).
  void upload_descriptors() {
    std::vector<pop_desc> pd;
    std::uint64_t max_n = 1;
    for (auto& ps : pops_) {
      pop_desc d{};
      d.model = ps.model;
      d.n = ps.n;
      d.soa = ps.soa.get();
      d.ring = ps.ring.get();
      d.stims = ps.stims.get();
      d.n_stims = static_cast<int>(ps.stims_host.size());
      d.out = outputs(ps);
      d.src_ptr = ps.src_ptr.get();
      d.src_steps = ps.src_steps.get();
      d.src_cursor = ps.src_cursor.get();
      d.hist = ps.hist_len ? ps.hist.get() : nullptr;
      d.hist_len = ps.hist_len;
      if (ps.derived.size() > sizeof d.derived) throw internal_error("a model's derived parameters exceed max_derived_bytes");
      std::memcpy(d.derived, ps.derived.data(), ps.derived.size());
      pd.push_back(d);
      max_n = std::max(max_n, ps.n);
    }
    {
      std::vector<double> neurons;
      for (const auto& d : pd) neurons.push_back(static_cast<double>(d.n));
      const auto starts = share_starts(neurons);
      for (std::size_t p = 0; p < pd.size(); ++p) pd[p].share_start = starts[p];
    }
    std::vector<proj_desc> jd;
    std::vector<rule_desc> rd_rules;
    int pairing_seen = 0;  // pairing rules so far (their shares: rule_desc::pairing_start)
    std::uint64_t max_threads = max_n;
    for (auto& pj : projs_) {
      auto& tgt = pops_[static_cast<std::size_t>(pj.target_pop)];
      proj_desc d{};
      d.source = pj.source;
      d.group = pj.group;
      d.row_ptr = pj.row_ptr.get();
      d.target = pj.target.get();
      d.weight = pj.weight.get();
      d.delay = pj.delay.get();
      d.rows = pj.rows.size() ? pj.rows.get() : nullptr;
      d.ring = tgt.ring.get() + static_cast<std::uint64_t>(pj.port) * ring_len_ * tgt.n;
      d.n_target = tgt.n;
      d.target_pop = pj.target_pop;
      d.n_source = pops_[static_cast<std::size_t>(pj.source)].n;
      d.n_syn = pj.target.size();
      d.first_rule = static_cast<int>(rd_rules.size());
      d.n_rules = static_cast<int>(pj.rules.size());
      d.state_rule = pj.state_rule < 0 ? -1 : d.first_rule + pj.state_rule;
      // Short stored rows delivering their stored weights are pushed from the update (unless
      // ENGRAM_CUDA_PUSH=0, to measure the choice; docs/benchmarks.md).
      d.push = push_ && pj.rows.size() == 0 && pj.state_rule < 0 && pj.group == 32;
      pd[static_cast<std::size_t>(pj.source)].pushes += d.push;
      d.col_group = pj.col_group;
      d.row_walk_group = pj.row_walk_group;
      d.col_ptr = pj.col_ptr.get();
      d.col_synapse = pj.col_synapse.get();
      d.col_source = pj.col_source.get();
      for (std::size_t k = 0; k < pj.rules.size(); ++k) {
        const device_rule& r = pj.rules[k];
        rule_desc x{};
        x.rule = r.setup.rule;
        // Two rules that change the same weights at the same kind of spike run one after the
        // other, with a grid barrier between.
        for (std::size_t later = k + 1; later < pj.rules.size(); ++later)
          x.sync_after = x.sync_after || (r.setup.pairs_spikes && pj.rules[later].setup.pairs_spikes);
        x.state = r.state.get();
        x.pre = r.pre.get();
        x.post = r.post.get();
        x.post_bound = r.post_bound.get();
        x.post_sum = r.post_sum.get();
        std::memcpy(x.derived, r.setup.derived.data(), r.setup.derived.size());
        if (r.setup.pairs_spikes) x.pairing_start = equal_share_start(static_cast<std::uint32_t>(pairing_seen++), static_cast<std::uint32_t>(n_pairing_));
        rd_rules.push_back(x);
      }
      jd.push_back(d);
      if (pj.state_rule >= 0)  // a state rule: one group per row in the plasticity phase
        max_threads = std::max<std::uint64_t>(max_threads, d.n_source * pj.group);
      if (pj.col_source.size())  // pairing rules: room for a tenth of the targets spiking in one step, a group each
        max_threads = std::max<std::uint64_t>(max_threads, d.n_target / 10 * std::min<std::uint32_t>(pj.col_group, 256));
      // Room for a tenth of the source population spiking in one step, one group each (rows
      // pushed from the update need none, unless rules walk them at presynaptic spikes: a
      // smaller grid has cheaper barriers).
      if (!d.push || !pj.rules.empty())
        max_threads = std::max<std::uint64_t>(max_threads, pops_[static_cast<std::size_t>(pj.source)].n / 10 * pj.group);
    }
    std::vector<probe_desc> rd;
    for (std::size_t r = 0; r < probes_.size(); ++r) {
      const auto& sr = rec_.state_recorders[r];
      probe_desc d{};
      d.pop = sr.population;
      d.position = probes_[r].position.get();
      d.vars = probes_[r].vars.get();
      d.n_vars = static_cast<int>(sr.var_index.size());
      d.n_neurons = sr.neurons.size();
      d.n_cells = probes_[r].n_cells;
      d.buf = probes_[r].buf.get();
      d.interval = sr.interval_steps;
      pd[static_cast<std::size_t>(sr.population)].probes += 1;
      rd.push_back(d);
    }
    // share() in the step kernel rotates ranks in 32-bit arithmetic: equal_share_start(item) = item << 16 < 2^32.
    if (std::max({pd.size(), jd.size(), rd_rules.size(), rd.size()}) >= (1u << 16))
      throw backend_unavailable("the CUDA backend takes at most 65535 populations, projections, plasticity rules and state probes");
    pop_descs_.upload(pd);
    proj_descs_.upload(jd);
    rule_descs_.upload(rd_rules);
    probe_descs_.upload(rd);
    shared_bytes_ = step_shared_bytes(static_cast<int>(pd.size()), static_cast<int>(jd.size()), static_cast<int>(rd_rules.size()));
    int shared_max = 0;
    ENGRAM_CUDA_CHECK(cudaDeviceGetAttribute(&shared_max, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0));
    if (shared_bytes_ > static_cast<std::size_t>(shared_max))
      throw backend_unavailable(net_.source_file + ": the CUDA step kernel keeps every population, projection and plasticity rule "
                                "descriptor in shared memory: " + std::to_string(pd.size()) + " populations, " +
                                std::to_string(jd.size()) + " projections and " + std::to_string(rd_rules.size()) +
                                " rules need " + std::to_string(shared_bytes_) + " bytes, but " + device_name_ + " has " +
                                std::to_string(shared_max) + " per block; merge projections or use the CPU backend");
    if (shared_bytes_ > 48 * 1024)
      ENGRAM_CUDA_CHECK(cudaFuncSetAttribute(run_steps, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared_bytes_)));
    int per_sm = 0;
    ENGRAM_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, run_steps, block_size, shared_bytes_));
    if (per_sm < 1) throw device_error("the step kernel cannot be resident on this device");
    const std::uint64_t resident = static_cast<std::uint64_t>(per_sm) * static_cast<std::uint64_t>(sms_);
    grid_ = static_cast<unsigned>(std::clamp<std::uint64_t>((max_threads + block_size - 1) / block_size, 1, resident));
    // For measuring the grid-size heuristic (docs/benchmarks.md): ENGRAM_CUDA_BLOCKS_PER_SM=k
    // runs k blocks per SM (at most the resident number) whatever the network.
    if (const char* e = std::getenv("ENGRAM_CUDA_BLOCKS_PER_SM")) {
      char* end = nullptr;
      const long k = std::strtol(e, &end, 10);
      if (end == e || *end != '\0' || k < 1 || k > per_sm)
        throw backend_unavailable("ENGRAM_CUDA_BLOCKS_PER_SM = \"" + std::string(e) + "\": expected a whole number from 1 to " +
                                  std::to_string(per_sm) + " on this device");
      grid_ = static_cast<unsigned>(k * sms_);
    }
    if (grid_ >= (1u << 16)) throw internal_error("the step kernel's grid exceeds 65535 blocks (share_shift computes in 32 bits)");
  }

  // Whether short rows are pushed from the update phase (proj_desc::push): yes, unless the
  // environment sets ENGRAM_CUDA_PUSH=0 (for measuring the choice).
  static bool push_short_rows() {
    const char* e = std::getenv("ENGRAM_CUDA_PUSH");
    if (!e) return true;
    const std::string v(e);
    if (v != "0" && v != "1") throw backend_unavailable("ENGRAM_CUDA_PUSH = \"" + v + "\": expected 0 or 1");
    return v == "1";
  }

  void launch(std::uint64_t steps) {
    step_args a{};
    a.pops = pop_descs_.get();
    a.n_pops = static_cast<int>(pop_descs_.size());
    a.projs = proj_descs_.get();
    a.n_projs = static_cast<int>(proj_descs_.size());
    a.rules = rule_descs_.get();
    a.n_rules = static_cast<int>(rule_descs_.size());
    a.probes = probe_descs_.get();
    a.n_probes = static_cast<int>(probe_descs_.size());
    a.ring_len = ring_len_;
    a.seed = net_.run.seed;
    a.first_step = step_;
    a.n_steps = steps;
    a.flush_base = step_ - local_steps_;
    a.n_plastic = n_plastic_;
    a.n_pairing = n_pairing_;
    a.error = error_.get();
    a.phase_ns = phase_ns_.get();
    void* args[] = {&a};
    ENGRAM_CUDA_CHECK(cudaLaunchCooperativeKernel(reinterpret_cast<void*>(run_steps), dim3(grid_), dim3(block_size), args, shared_bytes_, *stream_));
  }

  // Copies recorded spikes, per-step counts and probe samples to the host; checks the
  // device error word.
  void flush() {
    ENGRAM_CUDA_CHECK(cudaStreamSynchronize(*stream_));
    std::uint32_t err = 0;
    ENGRAM_CUDA_CHECK(cudaMemcpy(&err, error_.get(), sizeof err, cudaMemcpyDeviceToHost));
    if (err & 1u) throw simulation_error("a neuron has a NaN membrane potential before step " + std::to_string(step_) + " (check parameters, weights and initial values)");
    if (err & 2u) throw internal_error("spike recording buffer overflow on the device");
    if (local_steps_ == 0) return;
    const std::uint64_t base = step_ - local_steps_;
    for (std::size_t p = 0; p < pops_.size(); ++p) {
      auto& ps = pops_[p];
      std::vector<std::uint32_t> counts;
      ps.step_counts.download(counts, local_steps_);
      for (std::uint64_t k = 0; k < local_steps_; ++k) {
        rec_.spike_count[p] += counts[k];
        for (auto& r : rec_.rate_recorders)
          if (r.population == static_cast<int>(p)) {
            const std::uint64_t b = (base + k) / r.bin_steps;
            if (b < r.counts.size()) r.counts[b] += counts[k];
          }
      }
      if (ps.recorded) {
        unsigned long long pairs = 0;
        ENGRAM_CUDA_CHECK(cudaMemcpy(&pairs, ps.rec_offset.get(), sizeof pairs, cudaMemcpyDeviceToHost));
        std::vector<std::uint32_t> buf;
        ps.rec_buf.download(buf, 2 * pairs);
        const std::vector<std::uint64_t> keys = ordered_spike_keys(buf.data(), pairs);  // the CPU's order
        for (auto& r : rec_.spike_recorders) {
          if (r.population != static_cast<int>(p)) continue;
          for (auto key : keys) {
            const auto i = static_cast<std::uint32_t>(key & 0xffffffffu);
            if (!r.selected.empty() && !r.selected[i]) continue;
            r.step.push_back(base + (key >> 32));
            r.neuron.push_back(i);
          }
        }
        ENGRAM_CUDA_CHECK(cudaMemset(ps.rec_offset.get(), 0, sizeof(unsigned long long)));
      }
      ENGRAM_CUDA_CHECK(cudaMemset(ps.step_counts.get(), 0, ps.step_counts.size() * sizeof(std::uint32_t)));
    }
    for (std::size_t r = 0; r < probes_.size(); ++r) {
      auto& dp = probes_[r];
      if (!dp.samples_pending) continue;
      std::vector<real> vals;
      dp.buf.download(vals, dp.samples_pending * dp.n_cells);
      auto& sr = rec_.state_recorders[r];
      const std::size_t nn = sr.neurons.size();
      for (std::uint64_t s = 0; s < dp.samples_pending; ++s)
        for (std::size_t v = 0; v < sr.variables.size(); ++v)
          for (std::size_t k = 0; k < nn; ++k) sr.values[v].push_back(vals[s * dp.n_cells + v * nn + k]);
      dp.samples_pending = 0;
    }
    local_steps_ = 0;
  }

  void take_weight_snapshots(std::uint64_t done) {
    for (auto& r : rec_.weight_recorders)
      for (auto at : r.at_step) {
        if (at != done) continue;
        ENGRAM_CUDA_CHECK(cudaStreamSynchronize(*stream_));
        const auto j = static_cast<std::size_t>(r.projection);
        if (r.var_index >= 0) {
          snapshot_weights(tables_[j], synapse_variable(r.projection, r.variable), r);
          continue;
        }
        std::vector<float> w;
        projs_[j].weight.download(w, tables_[j].size());
        snapshot_weights(tables_[j], efficacies_now(j, w), r);
      }
  }

  const network& net_;
  std::string device_name_;
  int sms_ = 1;
  // A blocking stream (owned_stream): the memsets and copies of dev_array run on the legacy
  // default stream, and a non-blocking stream would not wait for them (a flush's reset of the
  // recording counters could land after the next launch's first spikes). Created after the
  // memory check.
  std::unique_ptr<owned_stream> stream_;
  unsigned grid_ = 1;
  std::size_t shared_bytes_ = 0;
  dev_array<std::uint32_t> error_;
  dev_array<unsigned long long> phase_ns_;
  dev_array<pop_desc> pop_descs_;
  dev_array<proj_desc> proj_descs_;
  dev_array<rule_desc> rule_descs_;
  dev_array<probe_desc> probe_descs_;
  bool push_ = true;  // push_short_rows()
  std::vector<device_population> pops_;
  std::vector<device_projection> projs_;
  std::vector<synapse_table> tables_;
  std::vector<device_table> built_;  // tables built on the device, until init_projection takes them
  std::vector<device_probe> probes_;
  std::vector<std::shared_ptr<void>> kept_;
  std::uint64_t ring_len_ = 2;
  int n_plastic_ = 0, n_pairing_ = 0;
  std::uint64_t step_ = 0, local_steps_ = 0, flush_every_ = 2000;
  std::uint64_t steps_advanced_ = 0;  // by this process (phase_seconds)
  recording rec_;
};

}  // namespace
}  // namespace cuda_detail

namespace cuda {
std::unique_ptr<simulation> make_simulation(const network& net) { return std::make_unique<cuda_detail::cuda_simulation>(net); }
}  // namespace cuda

}  // namespace engram
