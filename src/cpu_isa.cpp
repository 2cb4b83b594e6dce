#include "cpu_isa.hpp"

#include <cstdlib>

#include "engram/errors.hpp"

namespace engram {

const char* isa_name(cpu_isa isa) { return isa == cpu_isa::avx2 ? "avx2" : "baseline"; }

bool cpu_supports(cpu_isa isa) {
#if defined(__x86_64__)
  if (isa == cpu_isa::avx2) return __builtin_cpu_supports("avx2");
#endif
  return isa == cpu_isa::baseline;
}

cpu_isa choose_cpu_isa() {
  if (const char* e = std::getenv("ENGRAM_CPU_ISA")) {
    const std::string v = e;
    for (cpu_isa isa : {cpu_isa::baseline, cpu_isa::avx2}) {
      if (v != isa_name(isa)) continue;
      if (!cpu_supports(isa)) throw backend_unavailable("ENGRAM_CPU_ISA = \"" + v + "\": this CPU does not support it");
      return isa;
    }
    throw backend_unavailable("ENGRAM_CPU_ISA = \"" + v + "\": expected baseline or avx2");
  }
  return cpu_supports(cpu_isa::avx2) ? cpu_isa::avx2 : cpu_isa::baseline;
}

}  // namespace engram
