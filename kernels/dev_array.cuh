#pragma once
// An owning device array and an owned stream (device code only: included by .cu files).
#include <cuda_runtime.h>

#include <string>
#include <utility>
#include <vector>

#include "cuda_check.cuh"
#include "engram/errors.hpp"

namespace engram::cuda_detail {

// Owning device array.
template <class T>
class dev_array {
 public:
  dev_array() = default;
  explicit dev_array(std::size_t n) { resize(n); }
  dev_array(const dev_array&) = delete;
  dev_array& operator=(const dev_array&) = delete;
  dev_array(dev_array&& o) noexcept : p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
  dev_array& operator=(dev_array&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    return *this;
  }
  ~dev_array() {
    if (p_) cudaFree(p_);
  }
  void resize(std::size_t n) {
    if (p_) cudaFree(p_);
    p_ = nullptr;
    n_ = n;
    if (n) ENGRAM_CUDA_CHECK(cudaMalloc(&p_, n * sizeof(T)));
    if (n) ENGRAM_CUDA_CHECK(cudaMemset(p_, 0, n * sizeof(T)));
  }
  void upload(const std::vector<T>& v) {
    resize(v.size());
    if (!v.empty()) ENGRAM_CUDA_CHECK(cudaMemcpy(p_, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  }
  void download(std::vector<T>& v, std::size_t count) const {
    v.resize(count);
    if (count) ENGRAM_CUDA_CHECK(cudaMemcpy(v.data(), p_, count * sizeof(T), cudaMemcpyDeviceToHost));
  }
  // Overwrites the contents with v of the same size, so the device pointer (held by the kernel's
  // descriptors) stays valid.
  void assign(const std::vector<T>& v) {
    if (v.size() != n_) throw internal_error("dev_array::assign: " + std::to_string(v.size()) + " values for " + std::to_string(n_));
    if (n_) ENGRAM_CUDA_CHECK(cudaMemcpy(p_, v.data(), n_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> to_host() const {
    std::vector<T> v;
    download(v, n_);
    return v;
  }
  T* get() const { return p_; }
  std::size_t size() const { return n_; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

// An owned CUDA stream, destroyed with its owner (also when the owner's constructor throws
// after creating it). Blocking: work on it waits for the memsets and copies that dev_array
// issues on the legacy default stream.
class owned_stream {
 public:
  owned_stream() { ENGRAM_CUDA_CHECK(cudaStreamCreate(&s_)); }
  ~owned_stream() {
    if (s_) cudaStreamDestroy(s_);
  }
  owned_stream(const owned_stream&) = delete;
  owned_stream& operator=(const owned_stream&) = delete;
  operator cudaStream_t() const { return s_; }

 private:
  cudaStream_t s_ = nullptr;
};

}  // namespace engram::cuda_detail
