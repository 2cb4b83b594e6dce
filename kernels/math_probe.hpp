#pragma once
// Launchers that run the shared model math on the device, for the host/device parity tests.
// Plain C++: included by host code and tests; implemented in model_math_check.cu.
#include <cstdint>
#include <string>
#include <vector>

#include "synapse_table.hpp"

namespace engram {
struct network;
}

namespace engram::cuda_detail {

// True when a CUDA device can be used; otherwise `why` says why not.
bool device_present(std::string& why);

void device_math(const std::vector<double>& x, std::vector<double>& exp_out, std::vector<double>& log_out,
                 std::vector<float>& expf_out);

// Runs `steps` updates of model `model_index` (registry order) on n neurons whose state is
// `soa` (n_vars x n, updated in place). `input` holds steps x n_ports x n arriving weights,
// `i_stim` n currents (pA). `spiked` receives steps x n flags.
void device_neuron_steps(int model_index, const void* derived, std::size_t derived_bytes, std::vector<float>& soa,
                         std::size_t n, const std::vector<float>& input, const std::vector<float>& i_stim, int steps,
                         std::vector<unsigned>& spiked);

// Projection `projection` of `net` built on the device (kernels/device_connectivity.cu) and
// copied back, for the test that compares it with build_synapses.
synapse_table device_built_table(const network& net, std::size_t projection);
// The column index of table `t` built on the device (build_columns_on_device), copied back,
// for the test that compares it with build_columns.
column_index device_built_columns(const synapse_table& t, std::uint64_t n_target);
// Its number of synapses counted on the device (as the CUDA backend counts procedural ones).
std::uint64_t device_synapse_count(const network& net, std::size_t projection);

void device_poisson(std::uint64_t seed, std::uint32_t n, double lambda, std::vector<std::uint32_t>& out);

}  // namespace engram::cuda_detail
