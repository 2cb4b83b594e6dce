// The per-step overhead floor of a GPU time-stepping loop (issue 7): what one kernel launch,
// one CUDA-graph launch and one grid-wide barrier cost on this device. Prints one JSON object.
//
//   build/release/bench/launch_latency [--iterations N]
//
// - launch_us: back-to-back launches of an empty kernel, mean time per launch (the throughput
//   limit of one-launch-per-phase step loops);
// - launch_sync_us: launch + cudaStreamSynchronize round trip (a step loop that reads a flag back
//   every step);
// - graph_8_nodes_us: one launch of a graph of 8 dependent empty kernels (one step of a graph
//   per step, a node per phase), mean over back-to-back launches;
// - grid_sync_us: one cg::grid_group::sync() in a persistent cooperative kernel that fills the
//   device (engram's step loop ends each phase with one), at 1 and at the largest resident
//   number of 256-thread blocks per SM.
#include <cooperative_groups.h>
#include <cuda_runtime.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace cg = cooperative_groups;

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "launch_latency: %s: %s (%s)\n", what, cudaGetErrorString(e), cudaGetErrorName(e));
    std::exit(1);
  }
}

__global__ void empty_kernel() {}

__global__ void barrier_loop(int n, unsigned* sink) {
  cg::grid_group grid = cg::this_grid();
  unsigned x = 0;
  for (int k = 0; k < n; ++k) {
    x += threadIdx.x;
    grid.sync();
  }
  if (x == 0xffffffffu) *sink = x;  // never true; keeps the loop
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      n = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: launch_latency [--iterations N]\n");
      return 2;
    }
  }
  if (n < 10) {
    std::fprintf(stderr, "launch_latency: --iterations must be at least 10 (got %d)\n", n);
    return 2;
  }
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  cudaStream_t s;
  check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");

  // Warm up: the first launch loads the module.
  empty_kernel<<<1, 32, 0, s>>>();
  check(cudaStreamSynchronize(s), "warm-up");

  auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < n; ++k) empty_kernel<<<1, 32, 0, s>>>();
  check(cudaStreamSynchronize(s), "launches");
  const double launch_us = seconds_since(t0) / n * 1e6;

  t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < n / 10; ++k) {
    empty_kernel<<<1, 32, 0, s>>>();
    check(cudaStreamSynchronize(s), "launch + sync");
  }
  const double launch_sync_us = seconds_since(t0) / (n / 10) * 1e6;

  cudaGraph_t graph;
  check(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal), "begin capture");
  for (int k = 0; k < 8; ++k) empty_kernel<<<prop.multiProcessorCount, 256, 0, s>>>();
  check(cudaStreamEndCapture(s, &graph), "end capture");
  cudaGraphExec_t exec;
  check(cudaGraphInstantiate(&exec, graph, 0), "graph instantiate");
  check(cudaGraphLaunch(exec, s), "graph warm-up");
  check(cudaStreamSynchronize(s), "graph warm-up");
  t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < n / 10; ++k) check(cudaGraphLaunch(exec, s), "graph launch");
  check(cudaStreamSynchronize(s), "graph launches");
  const double graph_us = seconds_since(t0) / (n / 10) * 1e6;

  unsigned* sink = nullptr;
  check(cudaMalloc(&sink, sizeof(unsigned)), "cudaMalloc");
  int per_sm = 0;
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, barrier_loop, 256, 0), "occupancy");
  double sync_us[2] = {0, 0};
  const int blocks_per_sm[2] = {1, per_sm};
  for (int c = 0; c < 2; ++c) {
    const int grid = blocks_per_sm[c] * prop.multiProcessorCount;
    auto timed = [&](int iterations) {
      void* args[] = {&iterations, &sink};
      const auto start = std::chrono::steady_clock::now();
      check(cudaLaunchCooperativeKernel(reinterpret_cast<void*>(barrier_loop), dim3(grid), dim3(256), args, 0, s), "cooperative launch");
      check(cudaStreamSynchronize(s), "cooperative kernel");
      return seconds_since(start);
    };
    timed(10);
    // The difference of two loop lengths cancels the launch.
    sync_us[c] = (timed(n) - timed(n / 10)) / (n - n / 10) * 1e6;
  }

  std::printf(
      "{\"device\": \"%s\", \"sms\": %d, \"iterations\": %d, \"launch_us\": %.3f, \"launch_sync_us\": %.3f, "
      "\"graph_8_nodes_us\": %.3f, \"grid_sync_us_1_block_per_sm\": %.3f, \"grid_sync_us_%d_blocks_per_sm\": %.3f}\n",
      prop.name, prop.multiProcessorCount, n, launch_us, launch_sync_us, graph_us, sync_us[0], per_sm, sync_us[1]);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
  cudaFree(sink);
  cudaStreamDestroy(s);
  return 0;
}
