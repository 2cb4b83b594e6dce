// Connectivity built on the device (issue 4). The generators of
// models/connectivity_generators.hpp run a thread per generator, twice: once counting its
// synapses, once writing them after an exclusive scan of the counts, so that the synapses lie
// in generation order. For degree and total-number connectors a stable radix sort by the key
// (source << 32 | target) then gives the host build's order: rows by source, each sorted by
// target, equal targets in generation order (src/connectivity.cpp assembles rows in generator
// order and sorts them stably by target). Rows are in that order as generated.
#include <cub/cub.cuh>

#include "device_connectivity.cuh"
#include "engram/network.hpp"
#include "math_probe.hpp"
#include "synapse_table.hpp"

namespace engram::cuda_detail {
namespace {

constexpr unsigned build_block = 256;

__device__ std::uint64_t global_index() { return blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x; }

// Synapses per generator: known for degrees and total numbers, drawn for rows (without storing
// them). Drawing a generator's synapses twice (here and in the writing pass) was half the
// device build.
__global__ void count_synapses(generator_rule r, std::uint64_t generators, std::uint64_t* count) {
  const std::uint64_t g = global_index();
  if (g >= generators) return;
  if (sizes_are_fixed(r)) {
    count[g] = fixed_generator_size(r, g);
    return;
  }
  std::uint64_t n = 0;
  generate_synapses(r, g, [&](std::uint64_t, std::uint64_t, float, double) { ++n; });
  count[g] = n;
}

__global__ void write_synapses(generator_rule r, std::uint64_t generators, const std::uint64_t* offset, std::uint64_t* key,
                               std::uint32_t* order, float* weight, std::uint16_t* delay, unsigned* too_long) {
  const std::uint64_t g = global_index();
  if (g >= generators) return;
  std::uint64_t k = offset[g];
  generate_synapses(r, g, [&](std::uint64_t pre, std::uint64_t post, float w, double d) {
    if (delay_too_long(d, r.row.dt)) atomicOr(too_long, 1u);
    key[k] = pre << 32 | post;
    order[k] = static_cast<std::uint32_t>(k);
    weight[k] = w;
    delay[k] = delay_steps(d, r.row.dt);
    ++k;
  });
}

__global__ void write_rows(generator_rule r, std::uint64_t generators, const std::uint64_t* offset, std::uint32_t* target,
                           float* weight, std::uint16_t* delay, unsigned* too_long) {
  const std::uint64_t g = global_index();
  if (g >= generators) return;
  std::uint64_t k = offset[g];
  generate_synapses(r, g, [&](std::uint64_t, std::uint64_t post, float w, double d) {
    if (delay_too_long(d, r.row.dt)) atomicOr(too_long, 1u);
    target[k] = static_cast<std::uint32_t>(post);
    weight[k] = w;
    delay[k] = delay_steps(d, r.row.dt);
    ++k;
  });
}

__global__ void gather(std::uint64_t n, const std::uint64_t* key, const std::uint32_t* order, const float* weight_in,
                       const std::uint16_t* delay_in, std::uint32_t* target, float* weight, std::uint16_t* delay) {
  const std::uint64_t i = global_index();
  if (i >= n) return;
  target[i] = static_cast<std::uint32_t>(key[i]);
  weight[i] = weight_in[order[i]];
  delay[i] = delay_in[order[i]];
}

// The first index of sorted a[0 .. n) whose value is >= v (n if none): the one binary search
// of the row and column pointers and of the sources below.
template <class T>
__device__ std::uint64_t first_not_below(const T* a, std::uint64_t n, std::uint64_t v) {
  std::uint64_t lo = 0, hi = n;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (static_cast<std::uint64_t>(a[mid]) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// row_ptr[r] = the first synapse whose source is >= r, in the keys (source << 32 | target)
// sorted ascending.
__global__ void row_starts(std::uint64_t rows, const std::uint64_t* key, std::uint64_t n, std::uint64_t* row_ptr) {
  const std::uint64_t r = global_index();
  if (r <= rows) row_ptr[r] = first_not_below(key, n, r << 32);
}

__global__ void iota(std::uint64_t n, std::uint64_t* v) {
  const std::uint64_t i = global_index();
  if (i < n) v[i] = i;
}

// col_ptr[c] = the first position whose target is >= c, in the targets sorted ascending.
__global__ void column_starts(std::uint64_t cols, const std::uint32_t* sorted_target, std::uint64_t n, std::uint64_t* col_ptr) {
  const std::uint64_t c = global_index();
  if (c <= cols) col_ptr[c] = first_not_below(sorted_target, n, c);
}

// source[k] = the row holding synapse synapse[k]: the last row r with row_ptr[r] <= synapse,
// one before the first with row_ptr > synapse (a row holding a synapse is not empty).
__global__ void sources_of(std::uint64_t n, const std::uint64_t* synapse, const std::uint64_t* row_ptr, std::uint64_t rows,
                           std::uint32_t* source) {
  const std::uint64_t k = global_index();
  if (k < n) source[k] = static_cast<std::uint32_t>(first_not_below(row_ptr, rows + 1, synapse[k] + 1) - 1);
}

unsigned blocks_for(std::uint64_t n) { return static_cast<unsigned>((n + build_block - 1) / build_block); }

// CUB treats a null scratch pointer as a size query: never pass one for real work.
void reserve(dev_array<unsigned char>& temp, std::size_t bytes) {
  if (temp.size() < bytes || temp.size() == 0) temp.resize(bytes > 0 ? bytes : 1);
}

// Whether a kernel set the device flag (waits for the stream).
bool flag_set(const dev_array<unsigned>& flag, cudaStream_t stream) {
  unsigned v = 0;
  ENGRAM_CUDA_CHECK(cudaMemcpyAsync(&v, flag.get(), sizeof v, cudaMemcpyDeviceToHost, stream));
  ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));
  return v != 0;
}

int bits_for(std::uint64_t n) {
  int b = 1;
  while (b < 32 && (1ULL << b) < n) ++b;
  return b;
}

}  // namespace

namespace {

// Rows (all_to_all, one_to_one, fixed_probability) come out of their generators already in
// table order, the generator being the source: the scan of the counts is row_ptr, and each
// synapse is written where it belongs.
void write_row_table(const generator_rule& r, std::uint64_t generators, std::uint64_t total, dev_array<std::uint64_t>& offset,
                     device_table& t, cudaStream_t stream) {
  t.target.resize(total);
  t.weight.resize(total);
  t.delay.resize(total);
  dev_array<unsigned> too_long(1);
  if (generators)
    ENGRAM_LAUNCH(write_rows, blocks_for(generators), build_block, stream, r, generators, offset.get(), t.target.get(),
                  t.weight.get(), t.delay.get(), too_long.get());
  t.delay_too_long = flag_set(too_long, stream);
  t.row_ptr = std::move(offset);  // n_source + 1 entries
}

// Other generators: generation order, then a stable sort by (source, target) carrying each
// synapse's position, a gather and a binary search per row.
void write_sorted_table(const generator_rule& r, std::uint64_t generators, std::uint64_t total, dev_array<std::uint64_t>& offset,
                        dev_array<unsigned char>& temp, device_table& t, cudaStream_t stream) {
  const int n = static_cast<int>(total);
  dev_array<std::uint64_t> key(total), key_alt(total);
  dev_array<std::uint32_t> order(total), order_alt(total);
  dev_array<float> weight_raw(total);
  dev_array<std::uint16_t> delay_raw(total);
  {
    dev_array<unsigned> too_long(1);
    if (generators)
      ENGRAM_LAUNCH(write_synapses, blocks_for(generators), build_block, stream, r, generators, offset.get(), key.get(),
                    order.get(), weight_raw.get(), delay_raw.get(), too_long.get());
    t.delay_too_long = flag_set(too_long, stream);
  }
  offset.resize(0);  // freed before the sort needs its scratch
  cub::DoubleBuffer<std::uint64_t> keys(key.get(), key_alt.get());
  cub::DoubleBuffer<std::uint32_t> positions(order.get(), order_alt.get());
  const int end_bit = 32 + bits_for(r.n_source);
  std::size_t temp_bytes = 0;
  ENGRAM_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, keys, positions, n, 0, end_bit, stream));
  reserve(temp, temp_bytes);
  ENGRAM_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp.get(), temp_bytes, keys, positions, n, 0, end_bit, stream));
  temp.resize(0);
  t.target.resize(total);
  t.weight.resize(total);
  t.delay.resize(total);
  t.row_ptr.resize(r.n_source + 1);
  if (total)
    ENGRAM_LAUNCH(gather, blocks_for(total), build_block, stream, total, keys.Current(), positions.Current(), weight_raw.get(),
                  delay_raw.get(), t.target.get(), t.weight.get(), t.delay.get());
  ENGRAM_LAUNCH(row_starts, blocks_for(r.n_source + 1), build_block, stream, r.n_source, keys.Current(), total, t.row_ptr.get());
  ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));  // before the scratch arrays are freed
}

}  // namespace

device_table build_on_device(const generator_rule& r, cudaStream_t stream) {
  const std::uint64_t generators = generator_count(r);
  device_table t;
  dev_array<unsigned char> temp;
  std::size_t temp_bytes = 0;
  dev_array<std::uint64_t> offset(generators + 1);
  {
    dev_array<std::uint64_t> count(generators + 1);  // count[generators] stays 0
    if (generators) ENGRAM_LAUNCH(count_synapses, blocks_for(generators), build_block, stream, r, generators, count.get());
    ENGRAM_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, temp_bytes, count.get(), offset.get(), generators + 1, stream));
    reserve(temp, temp_bytes);
    ENGRAM_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(temp.get(), temp_bytes, count.get(), offset.get(), generators + 1, stream));
  }
  std::uint64_t total = 0;
  ENGRAM_CUDA_CHECK(cudaMemcpyAsync(&total, offset.get() + generators, sizeof total, cudaMemcpyDeviceToHost, stream));
  ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (total >= (1ULL << 31)) throw internal_error("build_on_device: 2^31 synapses or more in one projection");
  if (r.type == generator_rule::kind::row)
    write_row_table(r, generators, total, offset, t, stream);
  else
    write_sorted_table(r, generators, total, offset, temp, t, stream);
  if (total) {
    dev_array<std::uint16_t> max_delay(1);
    temp_bytes = 0;
    const int n = static_cast<int>(total);
    ENGRAM_CUDA_CHECK(cub::DeviceReduce::Max(nullptr, temp_bytes, t.delay.get(), max_delay.get(), n, stream));
    reserve(temp, temp_bytes);
    ENGRAM_CUDA_CHECK(cub::DeviceReduce::Max(temp.get(), temp_bytes, t.delay.get(), max_delay.get(), n, stream));
    ENGRAM_CUDA_CHECK(cudaMemcpyAsync(&t.max_delay, max_delay.get(), sizeof t.max_delay, cudaMemcpyDeviceToHost, stream));
    ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  if (t.max_delay < 1) t.max_delay = 1;
  return t;
}

device_columns build_columns_on_device(const dev_array<std::uint64_t>& row_ptr, const dev_array<std::uint32_t>& target,
                                       std::uint64_t n_target, cudaStream_t stream) {
  const std::uint64_t n = target.size();
  const std::uint64_t rows = row_ptr.size() ? row_ptr.size() - 1 : 0;
  if (n >= (1ULL << 31)) throw internal_error("build_columns_on_device: 2^31 synapses or more in one projection");
  device_columns c;
  c.col_ptr.resize(n_target + 1);
  if (n == 0) return c;  // every column empty (col_ptr zeros)
  // Keys: the targets (a copy: the sort overwrites its buffers); values: the synapse indices,
  // ascending, which the stable sort keeps ascending within each target.
  dev_array<std::uint32_t> key(n), key_alt(n);
  dev_array<std::uint64_t> value(n), value_alt(n);
  ENGRAM_CUDA_CHECK(cudaMemcpyAsync(key.get(), target.get(), n * sizeof(std::uint32_t), cudaMemcpyDeviceToDevice, stream));
  ENGRAM_LAUNCH(iota, blocks_for(n), build_block, stream, n, value.get());
  cub::DoubleBuffer<std::uint32_t> keys(key.get(), key_alt.get());
  cub::DoubleBuffer<std::uint64_t> values(value.get(), value_alt.get());
  const int items = static_cast<int>(n), end_bit = bits_for(n_target);
  dev_array<unsigned char> temp;
  std::size_t temp_bytes = 0;
  ENGRAM_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, keys, values, items, 0, end_bit, stream));
  reserve(temp, temp_bytes);
  ENGRAM_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(temp.get(), temp_bytes, keys, values, items, 0, end_bit, stream));
  ENGRAM_LAUNCH(column_starts, blocks_for(n_target + 1), build_block, stream, n_target, keys.Current(), n, c.col_ptr.get());
  // The result keeps the sorted values and, for the sources, the key buffer the sort left idle.
  const bool keys_in_first = keys.Current() == key.get(), values_in_first = values.Current() == value.get();
  c.synapse = std::move(values_in_first ? value : value_alt);
  c.source = std::move(keys_in_first ? key_alt : key);
  ENGRAM_LAUNCH(sources_of, blocks_for(n), build_block, stream, n, c.synapse.get(), row_ptr.get(), rows, c.source.get());
  ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));  // before the scratch arrays are freed
  return c;
}

std::uint64_t count_on_device(const generator_rule& r, cudaStream_t stream) {
  const std::uint64_t generators = generator_count(r);
  if (!generators) return 0;
  dev_array<std::uint64_t> count(generators), sum(1);
  ENGRAM_LAUNCH(count_synapses, blocks_for(generators), build_block, stream, r, generators, count.get());
  dev_array<unsigned char> temp;
  std::size_t temp_bytes = 0;
  ENGRAM_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, temp_bytes, count.get(), sum.get(), generators, stream));
  reserve(temp, temp_bytes);
  ENGRAM_CUDA_CHECK(cub::DeviceReduce::Sum(temp.get(), temp_bytes, count.get(), sum.get(), generators, stream));
  std::uint64_t total = 0;
  ENGRAM_CUDA_CHECK(cudaMemcpyAsync(&total, sum.get(), sizeof total, cudaMemcpyDeviceToHost, stream));
  ENGRAM_CUDA_CHECK(cudaStreamSynchronize(stream));
  return total;
}

namespace {
generator_rule device_rule(const network& net, std::size_t projection) {
  const auto gen = generator_rule_of(net, projection);
  if (!gen) throw internal_error("projection " + std::to_string(projection) + " cannot be generated on the device");
  return *gen;
}
}  // namespace

device_table build_projection_on_device(const network& net, std::size_t projection, cudaStream_t stream) {
  device_table d = build_on_device(device_rule(net, projection), stream);
  if (d.delay_too_long)
    throw invalid_model(net.source_file + ": projections[" + std::to_string(projection) +
                        "].delay: a drawn delay exceeds 65535 steps; bound it with \"high\"");
  return d;
}

std::uint64_t device_synapse_count(const network& net, std::size_t projection) {
  const owned_stream stream;
  return count_on_device(device_rule(net, projection), stream);
}

column_index device_built_columns(const synapse_table& t, std::uint64_t n_target) {
  const owned_stream stream;
  dev_array<std::uint64_t> row_ptr;
  dev_array<std::uint32_t> target;
  row_ptr.upload(t.row_ptr);
  target.upload(t.target);
  const device_columns d = build_columns_on_device(row_ptr, target, n_target, stream);
  column_index c;
  d.col_ptr.download(c.col_ptr, d.col_ptr.size());
  d.synapse.download(c.synapse, d.synapse.size());
  d.source.download(c.source, d.source.size());
  return c;
}

synapse_table device_built_table(const network& net, std::size_t projection) {
  const owned_stream stream;
  const device_table d = build_projection_on_device(net, projection, stream);
  synapse_table t;
  d.row_ptr.download(t.row_ptr, d.row_ptr.size());
  d.target.download(t.target, d.target.size());
  d.weight.download(t.weight, d.weight.size());
  d.delay.download(t.delay, d.delay.size());
  t.max_delay = d.max_delay;
  return t;
}

}  // namespace engram::cuda_detail
