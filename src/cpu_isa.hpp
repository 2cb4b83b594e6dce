#pragma once
// Which x86-64 vector instruction set the CPU backend's vectorized loops use. Each loop is
// compiled once per level and the best the CPU has is chosen at run time; IEEE operations
// round the same in every SIMD width (no contraction: -ffp-contract=off), so the level changes
// the speed, never a spike (tests/network/determinism_test.cpp runs each level the CPU has).
#include <string>

namespace engram {

// AVX-512 was tried: GCC's 256-bit preference gave it the speed of AVX2 (COBA 16 k update
// 0.52 s against 0.51 s per biological second, 2026-11-23), so it is not a level of its own.
enum class cpu_isa { baseline, avx2 };

// Compiles a function for AVX2 (x86-64 only; elsewhere every level is the baseline).
#if defined(__x86_64__)
#define ENGRAM_TARGET_AVX2 __attribute__((target("avx2")))
#else
#define ENGRAM_TARGET_AVX2
#endif

const char* isa_name(cpu_isa isa);  // "baseline" (SSE2), "avx2"
bool cpu_supports(cpu_isa isa);
// The best level this CPU supports, or the one ENGRAM_CPU_ISA names (baseline or avx2; for
// measurements and tests). Throws backend_unavailable, naming the variable and
// its value, for an unknown name or a level this CPU lacks.
cpu_isa choose_cpu_isa();

}  // namespace engram
