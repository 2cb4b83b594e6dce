// Writes the traces behind the figures of the clamped-input protocols (science dossier P-UNIT-3,
// P-UNIT-4, P-UNIT-6, P-CA-1, P-CA-2) as .npy files into a folder, for
// tools/plot_plasticity.py --only clamped. The numbers come from the same functions the tests
// assert against the dossier (tests/support/clamped_protocols.hpp, tests/unit/shouval_test.cpp,
// tests/unit/graupner_brunel_analytic_test.cpp).
//
//   engram_clamped_traces OUTDIR
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engram/npy.hpp"
#include "models/plasticity/graupner_brunel_analytic.hpp"
#include "support/clamped_protocols.hpp"

using namespace engram;
using sh = plasticity::shouval;

namespace {

void write(const std::string& dir, const std::string& name, const std::vector<double>& v, std::vector<std::uint64_t> shape = {}) {
  npy::write(dir + "/" + name + ".npy", v, std::move(shape));
}

// Rows of equal length stacked into one (rows x n) array.
void write_rows(const std::string& dir, const std::string& name, const std::vector<std::vector<double>>& rows) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  write(dir, name, flat, {rows.size(), rows.empty() ? 0 : rows[0].size()});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "engram_clamped_traces: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 3;
  }
  try {
    // P-UNIT-3: Omega(Ca) and tau(Ca) = 1/eta(Ca) of the model (float), 0..1.2 µM.
    const sh::params p{};
    const sh::derived d01 = sh::derive(p, 0.1);
    std::vector<double> c, omega, tau_s;
    for (int k = 0; k <= 1200; ++k) {
      const double ca = k * 0.001;
      c.push_back(ca);
      omega.push_back(sh::omega(static_cast<real>(ca), d01));
      tau_s.push_back(1.0 / sh::eta(static_cast<real>(ca), d01) / 1000.0);
    }
    write(dir, "unit3_ca", c);
    write(dir, "unit3_omega", omega);
    write(dir, "unit3_tau_s", tau_s);

    // P-UNIT-6 and P-CA-2: spine calcium at the dossier's dt = 0.005 ms, kept every 0.1 ms.
    struct pairing {
      bool pre;
      std::optional<double> t_post;
      double mg;
    };
    const pairing rows[] = {{true, std::nullopt, 1.0}, {false, 0.0, 1.0},  {true, -50.0, 1.0}, {true, -10.0, 1.0},
                            {true, 10.0, 1.0},         {true, 50.0, 1.0}, {true, std::nullopt, 0.0}};
    std::vector<std::vector<double>> ca;
    std::vector<double> peaks, t6;
    for (const auto& r : rows) {
      sh::params q = p;
      q.Mg = r.mg;
      auto tr = protocols::shouval_pairing(q, 0.005, r.pre, r.t_post, 20);
      t6 = tr.t;
      ca.push_back(tr.value);
      peaks.push_back(tr.peak);
    }
    write(dir, "unit6_t", t6);
    write_rows(dir, "unit6_ca", ca);
    write(dir, "unit6_peaks", peaks);

    // P-CA-1: W during clamped calcium pulses at dt = 0.1 ms, every 1 ms.
    const double pulses[][2] = {{1.1, 400.0}, {0.4, 1200.0}, {0.2, 10000.0}};  // µM, ms
    std::vector<double> final_w, q_uMs;
    for (int k = 0; k < 3; ++k) {
      protocols::trace w;
      double q = 0;
      const sh::state s =
          protocols::shouval_clamp(p, d01, static_cast<real>(pulses[k][0]), std::lround(pulses[k][1] / 0.1), q, &w, 10);
      write(dir, "ca1_t_" + std::to_string(k), w.t);
      write(dir, "ca1_w_" + std::to_string(k), w.value);
      final_w.push_back(s.w + s.w_lo);
      q_uMs.push_back(q);
    }
    write(dir, "ca1_final_w", final_w);
    write(dir, "ca1_q_uMs", q_uMs);

    // P-UNIT-4: Graupner-Brunel calcium of one pair (DP set) stepped at 0.1 ms, and the exact
    // time above theta_d and theta_p (the reduction the test checks at 1e-3 ms).
    plasticity::graupner_brunel::params g;
    if (!plasticity::graupner_brunel::parameter_set("DP", g)) throw std::runtime_error("no DP parameter set");
    const double deltas[] = {-10.0, 0.0, 10.0, 20.0};
    std::vector<std::vector<double>> gca;
    std::vector<double> t4, above;
    for (double delta : deltas) {
      auto tr = protocols::gb_pair_calcium(g, 0.1, delta);
      t4 = tr.t;
      gca.push_back(tr.value);
      above.push_back(plasticity::gb_analytic::pair_time_above(g, delta, g.theta_d));
      above.push_back(plasticity::gb_analytic::pair_time_above(g, delta, g.theta_p));
    }
    write(dir, "unit4_t", t4);
    write_rows(dir, "unit4_ca", gca);
    write(dir, "unit4_above", above, {4, 2});
    write(dir, "unit4_thresholds", {g.theta_d, g.theta_p});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engram_clamped_traces: %s\n", e.what());
    return 1;
  }
  return 0;
}
