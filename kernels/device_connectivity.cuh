#pragma once
// Connectivity built on the device (device code only: included by .cu files).
#include <cuda_runtime.h>

#include <cstdint>

#include "dev_array.cuh"
#include "engram/network.hpp"
#include "models/connectivity_generators.hpp"

namespace engram::cuda_detail {

// One projection's table in device memory, as synapse_table holds it on the host.
struct device_table {
  dev_array<std::uint64_t> row_ptr;  // n_source + 1
  dev_array<std::uint32_t> target;
  dev_array<float> weight;
  dev_array<std::uint16_t> delay;
  std::uint16_t max_delay = 1;
  bool delay_too_long = false;  // a drawn delay exceeds 65535 steps (build_projection_on_device reports it)
};

// The synapses of generator rule `r`, generated on the device by the same code as the host
// build and ordered as it orders them (by source, then target, ties in generation order):
// the table equals build_synapses's bit for bit. Needs device_build_bytes_per_synapse while
// it runs (plus the sort's scratch) and fewer than 2^31 synapses.
device_table build_on_device(const generator_rule& r, cudaStream_t stream);

// build_on_device for projection `projection` of `net` (a connector generator_rule_of
// covers); a drawn delay beyond 65535 steps is an invalid_model error naming the projection.
device_table build_projection_on_device(const network& net, std::size_t projection, cudaStream_t stream);

// The column index of a table on the device (synapse_table.hpp: column_index): each target's
// synapses ascending, their sources, and the column pointers, equal to build_columns's. A
// stable radix sort of (target, synapse) pairs; holds 24 bytes a synapse while it runs (the
// result keeps 12), within the table build's device_build_bytes_per_synapse.
struct device_columns {
  dev_array<std::uint64_t> col_ptr;  // n_target + 1
  dev_array<std::uint64_t> synapse;
  dev_array<std::uint32_t> source;
};
device_columns build_columns_on_device(const dev_array<std::uint64_t>& row_ptr, const dev_array<std::uint32_t>& target,
                                       std::uint64_t n_target, cudaStream_t stream);

// The number of synapses generator rule `r` makes, counted on the device without storing them
// (procedural projections: seconds on the host at 10^10 synapses).
std::uint64_t count_on_device(const generator_rule& r, cudaStream_t stream);

// Bytes per synapse that build_on_device holds at its peak, during the gather: keys and
// positions twice (the sort's double buffer), the drawn weight and delay, and the table.
inline constexpr std::uint64_t device_build_bytes_per_synapse = 8 * 2 + 4 * 2 + 4 + 2 + 10;

}  // namespace engram::cuda_detail
