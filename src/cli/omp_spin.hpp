#pragma once
// OpenMP threads that wait at a barrier spin for a while before they sleep (libgomp: 300 000
// spins by default). When another program keeps a core busy, the thread sharing that core is
// descheduled for a whole time slice while the others spin for it, every barrier, several times
// a step: measured on 2 cores with one busy, Brunel 2000 (12 500 neurons) ran 25x slower with 2
// threads than with 1. With 1 000 spins the waiting threads yield the core almost at once, and
// on idle cores the run is as fast as before (docs/benchmarks.md, "OpenMP waiting").
//
// libgomp reads its settings when it is loaded, before main, so engram sets GOMP_SPINCOUNT and
// executes itself again, once, unless the user chose a waiting policy (GOMP_SPINCOUNT or
// OMP_WAIT_POLICY; set one to run engram under a debugger without the re-execution). If that
// fails, the run goes on with the defaults.
#include <unistd.h>

#include <cstdlib>

namespace engram::cli {

inline void use_short_openmp_spin(char** argv) {
  if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY")) return;
  if (setenv("GOMP_SPINCOUNT", "1000", 0) != 0) return;
  execv("/proc/self/exe", argv);  // returns only on failure: carry on in this process
}

}  // namespace engram::cli
