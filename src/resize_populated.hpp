#pragma once
// Large arrays sized with every thread's help. A vector's resize zero-fills its new memory on
// one thread, and each first touch of a page makes the kernel zero-fill it again, page fault by
// page fault: for the full Potjans–Diesmann microcircuit that was about 10 s of its 27 s build
// on 2 threads, all of it on one thread (perf: clear_page_erms under memset). Here each
// thread first makes its part of the pages present (madvise MADV_POPULATE_WRITE), so resize
// only writes zeros into memory that is already there. Host code only; where the call is not
// available or fails, resize faults the pages in as before.
#include <sys/mman.h>
#include <unistd.h>

#include <omp.h>

#include <cstdint>
#include <vector>

namespace engram {

template <class T>
void resize_populated(std::vector<T>& v, std::size_t n) {
#ifdef MADV_POPULATE_WRITE
  constexpr std::size_t min_bytes = std::size_t{2} << 20;  // below this a serial first touch is cheap
  if (n > v.size() && n * sizeof(T) >= min_bytes) {
    v.reserve(n);
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto data = reinterpret_cast<std::uintptr_t>(v.data());
    const std::uintptr_t begin = (data + v.size() * sizeof(T) + page - 1) / page * page, end = (data + n * sizeof(T)) / page * page;
    const std::uintptr_t pages = end > begin ? (end - begin) / page : 0;
    const std::uintptr_t parts = 8 * static_cast<std::uintptr_t>(omp_get_max_threads());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::uintptr_t k = 0; k < parts; ++k) {
      const std::uintptr_t a = begin + pages * k / parts * page, b = begin + pages * (k + 1) / parts * page;
      if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE);  // capacity the vector owns
    }
  }
#endif
  v.resize(n);
}

}  // namespace engram
