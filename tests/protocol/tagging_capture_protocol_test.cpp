// Early and late LTP, synaptic tagging and capture (science dossier M6; protocols.md P-LTP-1,
// P-CTRL-3, P-TAG), run through a backend: two input pathways S1 and S2 (presynaptic neurons 0
// and 1 of one spike source, one synapse each) onto one neuron that shares its protein pool
// between them; presynaptic stimulation only (the neuron never fires). dt = 1 ms; 8 h of
// biological time take about 2 s.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <cstdio>
#include <vector>

#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"

namespace engram {
namespace {

constexpr double minute = 60e3, hour = 3600e3;  // ms
constexpr double h0 = 4.20075;                  // mV (M6)

// A 100 Hz train of n pulses starting at t (ms).
void train(std::vector<double>& times, double t, int n) {
  for (int k = 0; k < n; ++k) times.push_back(t + 10.0 * k);
}
void wtet(std::vector<double>& times, double t) { train(times, t, 21); }  // weak tetanus
void stet(std::vector<double>& times, double t) {                         // strong: 3 trains, 10 min apart
  for (int k = 0; k < 3; ++k) train(times, t + k * 10 * minute, 100);
}

struct tag_run {
  network net;
  std::unique_ptr<simulation> sim;
  int j = 0;
  // Relative weight change w/w0 - 1 of synapse s (0: S1, 1: S2), with w = h + h0 z.
  double change(int s) {
    const auto h = sim->synapse_variable(j, "h"), z = sim->synapse_variable(j, "z");
    return (h[static_cast<std::size_t>(s)] + h0 * z[static_cast<std::size_t>(s)]) / h0 - 1.0;
  }
  double z(int s) { return sim->synapse_variable(j, "z")[static_cast<std::size_t>(s)]; }
  double h(int s) { return sim->synapse_variable(j, "h")[static_cast<std::size_t>(s)]; }
  void run_to(double t_ms) { sim->advance(static_cast<std::uint64_t>(t_ms / net.run.dt + 0.5) - sim->steps_done()); }
};

// S1 and S2 spike times (ms); blocker: alpha = 0 in [start, stop) (ms), none if stop <= start.
tag_run make_run(std::vector<double> s1, std::vector<double> s2, double duration, double block_start = -1,
                 double block_stop = -1) {
  tag_run r;
  network& net = r.net;
  net.name = "tagging_capture_protocol";
  net.run = {1.0, duration, 1};
  population pre{"pre", spike_source_array_model, 2, {}, {}, {s1, s2}};
  population post{"post", "lif_delta", 1, {{"V_th", 1000.0}}, {}, {}};
  net.populations = {pre, post};
  projection p;
  p.name = "synapses";
  p.source = "pre";
  p.target = "post";
  p.receptor = "delta";
  p.conn.type = connector::kind::all_to_all;
  p.weight = distribution::constant(0.0);
  p.delay = distribution::constant(1.0);
  p.plasticity = {plasticity_spec{"tagging_capture", "", {{"blocker_start", block_start}, {"blocker_stop", block_stop}}}};
  net.projections = {p};
  r.sim = make_simulation(net, {backend_choice::cpu, 1});
  r.j = 0;
  return r;
}

constexpr double t0 = 1000.0;  // first stimulus (ms)

// P-LTP-1 (Huang & Kandel 1994; Luboeinski & Tetzlaff's protocols): in M6 one 100-pulse train
// gives late LTP (dossier: w/w0 - 1 = 0.836, 0.820, 0.647 at 10 min, 3 h, 8 h); the weak
// tetanus gives early LTP only (0.342, 0.078, 0.006; acceptance: > 10% at 60 min and the 3-h
// value below half of the 10-min value); STET keeps >= 50% of its 1-h value at 8 h (computed
// ratio ~0.79). The dossier's values are an independent re-computation: we hold them to 0.01.
TEST(Protocol, P_LTP_1_early_and_late_ltp) {
  {
    std::vector<double> s1;
    train(s1, t0, 100);
    auto r = make_run(s1, {}, t0 + 8 * hour);
    const double at[] = {10 * minute, 3 * hour, 8 * hour}, expected[] = {0.836, 0.820, 0.647};
    for (int k = 0; k < 3; ++k) {
      r.run_to(t0 + at[k]);
      std::printf("P-LTP-1 one train: w/w0 - 1 = %.4f at %.0f min (dossier %.3f)\n", r.change(0), at[k] / minute, expected[k]);
      EXPECT_NEAR(r.change(0), expected[k], 0.01);
    }
    EXPECT_NEAR(r.change(1), 0.0, 1e-6) << "the unstimulated pathway";
  }
  {
    std::vector<double> s1;
    wtet(s1, t0);
    auto r = make_run(s1, {}, t0 + 8 * hour);
    r.run_to(t0 + 10 * minute);
    const double w10 = r.change(0);
    r.run_to(t0 + hour);
    const double w60 = r.change(0);
    r.run_to(t0 + 3 * hour);
    const double w180 = r.change(0);
    r.run_to(t0 + 8 * hour);
    std::printf("P-LTP-1 WTET: %.4f, %.4f, %.4f, %.4f at 10 min, 1 h, 3 h, 8 h (dossier 0.342, -, 0.078, 0.006)\n", w10, w60,
                w180, r.change(0));
    EXPECT_GT(w60, 0.10);
    EXPECT_LT(w180, 0.5 * w10);
    EXPECT_NEAR(w10, 0.342, 0.01);
    EXPECT_NEAR(w180, 0.078, 0.01);
    EXPECT_NEAR(r.change(0), 0.006, 0.01);
    EXPECT_NEAR(r.z(0), 0.0, 1e-6) << "a weak tetanus alone makes no late phase";
  }
  {
    std::vector<double> s1;
    stet(s1, t0);
    auto r = make_run(s1, {}, t0 + 8 * hour);
    r.run_to(t0 + hour);
    const double w60 = r.change(0);
    r.run_to(t0 + 8 * hour);
    std::printf("P-LTP-1 STET: w(8 h)/w(1 h) (changes) = %.3f (dossier ~0.79)\n", r.change(0) / w60);
    EXPECT_GE(r.change(0), 0.5 * w60);
  }
}

// P-CTRL-3 (Nguyen, Abel & Kandel 1994; Huang & Kandel 1994): a protein-synthesis or
// transcription blocker from 15 min before STET to 3 h after leaves E-LTP intact (h identical,
// bit for bit) but prevents L-LTP: w(6 h) - w0 < 25% of its 1-h value, whereas the control keeps
// >= 50%. The drug/control ratios of w at 30, 45, 60 min: dossier 0.949, 0.898, 0.844 (+-0.02).
TEST(Protocol, P_CTRL_3_protein_synthesis_blocker) {
  const double start = 20 * minute;  // STET
  std::vector<double> s1;
  stet(s1, start);
  auto control = make_run(s1, {}, start + 6 * hour);
  auto drug = make_run(s1, {}, start + 6 * hour, start - 15 * minute, start + 3 * hour);
  const double at[] = {30 * minute, 45 * minute, 60 * minute}, ratio[] = {0.949, 0.898, 0.844};
  for (int k = 0; k < 3; ++k) {
    control.run_to(start + at[k]);
    drug.run_to(start + at[k]);
    const double q = (1 + drug.change(0)) / (1 + control.change(0));
    std::printf("P-CTRL-3: w(drug)/w(control) = %.3f at %.0f min (dossier %.3f)\n", q, at[k] / minute, ratio[k]);
    EXPECT_NEAR(q, ratio[k], 0.02);
    EXPECT_EQ(drug.h(0), control.h(0)) << "the early phase is insensitive to the blocker";
  }
  const double c60 = control.change(0), d60 = drug.change(0);
  control.run_to(start + 6 * hour);
  drug.run_to(start + 6 * hour);
  std::printf("P-CTRL-3: 6 h / 1 h: control %.3f, drug %.3f\n", control.change(0) / c60, drug.change(0) / d60);
  EXPECT_GE(control.change(0), 0.5 * c60);
  EXPECT_LT(drug.change(0), 0.25 * d60);
}

// P-TAG (Frey & Morris 1997): tags set by a weak tetanus capture proteins made for a strong
// input of the same neuron, within the tag's lifetime. Margins are the dossier's (ours).
TEST(Protocol, P_TAG_tagging_and_capture) {
  const double end = t0 + 8 * hour;
  {  // T1: WTET on S2 alone decays back to baseline (within 10%) by 4-6 h.
    std::vector<double> s2;
    wtet(s2, t0);
    auto r = make_run({}, s2, end);
    r.run_to(t0 + 5 * hour);
    std::printf("P-TAG T1: S2 at 5 h %.4f\n", r.change(1));
    EXPECT_LT(std::abs(r.change(1)), 0.10);
  }
  {  // T2: STET on S1 at 0, WTET on S2 at +30 min: both keep a late phase.
    std::vector<double> s1, s2;
    stet(s1, t0);
    wtet(s2, t0 + 30 * minute);
    auto r = make_run(s1, s2, end);
    r.run_to(t0 + 30 * minute + hour);
    const double w1 = r.change(0), w2 = r.change(1);
    r.run_to(end);
    std::printf("P-TAG T2: S1 %.3f -> %.3f, S2 %.3f -> %.3f (1 h -> 8 h), z(S2) = %.3f\n", w1, r.change(0), w2, r.change(1), r.z(1));
    EXPECT_GE(r.change(0), 0.5 * w1);
    EXPECT_GE(r.change(1), 0.5 * w2);
  }
  {  // T4b: WTET on S2 first, STET on S1 after 30, 60, 75 min: capture only if soon enough.
    const double delays[] = {30 * minute, 60 * minute, 75 * minute}, expected[] = {0.175, 0.017, 0.0};
    for (int k = 0; k < 3; ++k) {
      std::vector<double> s1, s2;
      wtet(s2, t0);
      stet(s1, t0 + delays[k]);
      auto r = make_run(s1, s2, end);
      r.run_to(end);
      std::printf("P-TAG T4b: STET %.0f min after the WTET: z(S2) = %.4f (dossier %.3f)\n", delays[k] / minute, r.z(1), expected[k]);
      EXPECT_NEAR(r.z(1), expected[k], 0.02);
    }
  }
  {  // T5: specificity, STET on S1 only leaves S2 unchanged (within 3%).
    std::vector<double> s1;
    stet(s1, t0);
    auto r = make_run(s1, {}, end);
    r.run_to(end);
    std::printf("P-TAG T5: S1 %.3f, S2 %.5f at 8 h\n", r.change(0), r.change(1));
    EXPECT_LT(std::abs(r.change(1)), 0.03);
  }
}

// P-LTD-2 (Sajikumar et al. 2005 as modelled by Luboeinski & Tetzlaff; protocols from their
// StimulusProtocols.cpp): weak LFS = 900 pulses at 1 Hz, Poisson (regular 1 Hz pulses never
// reach theta_d = 1.2 from presynaptic calcium alone: C_pre = 1); strong LFS = 900 bursts of 3
// pulses at 20 Hz, one burst every 1.15 s. Expected: WLFS -> early LTD that decays within hours
// (no late phase); SLFS -> late LTD lasting >= 8 h. Magnitudes are unverified in the dossier, so
// the margins are ours: WLFS at least 5% depression at 1 h, z = 0, back within 2% by 8 h;
// SLFS z < -0.1 and w at least 10% below baseline at 8 h.
TEST(Protocol, P_LTD_2_weak_and_strong_lfs) {
  const double end = t0 + 8 * hour;
  std::vector<double> wlfs;
  std::mt19937_64 gen(1);  // exactly specified bit stream; intervals rounded to the 1 ms grid
  double t = t0;
  while (wlfs.size() < 900) {
    const double u = (static_cast<double>(gen() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    t += std::max(1.0, std::round(-1000.0 * std::log(u)));
    wlfs.push_back(t);
  }
  auto weak = make_run(wlfs, {}, end);
  weak.run_to(t0 + hour);
  const double w60 = weak.change(0);
  weak.run_to(end);
  std::printf("P-LTD-2 WLFS (Poisson 1 Hz): %.4f at 1 h, %.4f at 8 h, z %.4f\n", w60, weak.change(0), weak.z(0));
  EXPECT_LT(w60, -0.05);
  EXPECT_EQ(weak.z(0), 0.0);
  EXPECT_LT(std::abs(weak.change(0)), 0.02);
  std::vector<double> slfs;
  for (int k = 0; k < 900; ++k)
    for (int b = 0; b < 3; ++b) slfs.push_back(t0 + 1150.0 * k + 50.0 * b);
  auto strong = make_run(slfs, {}, end);
  strong.run_to(end);
  std::printf("P-LTD-2 SLFS: %.4f at 8 h, z %.4f\n", strong.change(0), strong.z(0));
  EXPECT_LT(strong.z(0), -0.1);
  EXPECT_LT(strong.change(0), -0.10);
}

}  // namespace
}  // namespace engram
