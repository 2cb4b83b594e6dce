// Shouval, Bear & Cooper (2002) calcium rule run as a network protocol (science dossier
// protocols.md P-LTD-1 frequency response, P-CTRL-1 NMDA block): 900 presynaptic pulses onto
// one plastic synapse; the postsynaptic "dendrite" (lif_curr_exp, tau_m 50 ms, tau_syn 5 ms,
// never firing) carries the protocol's 10 mV EPSP kernel through a static projection, so the
// EPSP does not follow W, as in the dossier's computation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engram/model_file.hpp"
#include "engram/simulation.hpp"

namespace engram {
namespace {

constexpr const char* protocol_file = ENGRAM_SOURCE_DIR "/models/protocols/P-LTD-1_shouval_frequency.json";

// The protocol file with `pulses` presynaptic pulses at f_hz from 1 s (on the dt grid), run until
// `tail_ms` after the last, without recorders.
network pulse_train(double f_hz, int pulses, double tail_ms) {
  network net = load_model_file(protocol_file);
  auto& pre = net.populations[static_cast<std::size_t>(net.population_index("pre"))].spike_times[0];
  pre.clear();
  for (int k = 0; k < pulses; ++k) pre.push_back(1000.0 + std::round(k * 1000.0 / f_hz / net.run.dt) * net.run.dt);
  net.run.duration = pre.back() + tail_ms;
  net.recorders.clear();
  return net;
}

// W at the end of 900 pulses at f_hz, relative to W0 = 0.25.
double w_ratio(double f_hz, double nmda_block = 0.0) {
  network net = pulse_train(f_hz, 900, 100.0);
  net.projections[static_cast<std::size_t>(net.projection_index("synapse"))].plasticity.at(0).params["nmda_block"] = nmda_block;
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  sim->advance(net.steps());
  const auto w = sim->synapse_variable(net.projection_index("synapse"), "w");
  return w.at(0) / 0.25;
}

// P-LTD-1 (Dudek & Bear 1992 frequency curve; dossier: on M3.1 + M4.1 with a 10 mV EPSP,
// W/W0 = 0.511, 0.348, 3.83, 3.85 at 1, 3, 10, 50 Hz, LTD->LTP crossover 5.2 Hz). The dossier
// asks for the signs at 1, 3 and 50 Hz and the crossover within +-10%; we also hold the LTD
// depths (1 - W/W0) to 10% of the dossier's (acceptance margin, ours). About 25 s.
TEST(Protocol, P_LTD_1_shouval_frequency_response) {
  const double w1 = w_ratio(1.0), w3 = w_ratio(3.0), w50 = w_ratio(50.0);
  std::printf("P-LTD-1 Shouval: W/W0 = %.4f (1 Hz, dossier 0.511), %.4f (3 Hz, 0.348), %.4f (50 Hz, 3.85)\n", w1, w3, w50);
  EXPECT_LT(w1, 1.0);
  EXPECT_LT(w3, 1.0);
  EXPECT_GT(w50, 1.0);
  EXPECT_NEAR(1.0 - w1, 1.0 - 0.511, 0.1 * (1.0 - 0.511));
  EXPECT_NEAR(1.0 - w3, 1.0 - 0.348, 0.1 * (1.0 - 0.348));
  double lo = 3.0, hi = 10.0;  // W/W0 < 1 at lo, > 1 at hi
  for (int i = 0; i < 5; ++i) {
    const double mid = 0.5 * (lo + hi);
    (w_ratio(mid) < 1.0 ? lo : hi) = mid;
  }
  const double crossover = 0.5 * (lo + hi);
  std::printf("P-LTD-1 Shouval: LTD->LTP crossover %.2f Hz (dossier 5.2 Hz), bracket [%.2f, %.2f]\n", crossover, lo, hi);
  EXPECT_NEAR(crossover, 5.2, 0.52);
}

// M4.3: the excess-calcium read-out Q = ∫ max(0, Ca - 0.35 µM) dt, accumulated per synapse by
// the backend, separates the protocols: 100 pulses at 1 Hz (LTD) give less excess calcium than
// 100 at 50 Hz (LTP), and both give some (the 1 Hz EPSP lifts calcium above alpha1 = 0.35 µM,
// which is why it depresses). Q must also equal the excess of the synapse's calcium read after
// every step and summed in double here (within 1e-3: Q is a float sum).
TEST(Protocol, M4_3_excess_calcium_readout_separates_ltd_and_ltp) {
  const auto run_q = [](double f_hz, double& q_from_trace) {
    const network net = pulse_train(f_hz, 100, 500.0);
    auto sim = make_simulation(net, {backend_choice::cpu, 1});
    const int j = net.projection_index("synapse");
    q_from_trace = 0.0;
    for (std::uint64_t t = 0; t < net.steps(); ++t) {
      sim->advance(1);
      const double ca = sim->synapse_variable(j, "ca").at(0);
      q_from_trace += ca > 0.35 ? (ca - 0.35) * net.run.dt : 0.0;
    }
    return static_cast<double>(sim->synapse_variable(j, "Q").at(0));
  };
  double trace1 = 0, trace50 = 0;
  const double q1 = run_q(1.0, trace1), q50 = run_q(50.0, trace50);
  std::printf("M4.3 excess calcium: Q = %.4f uM s (100 pulses at 1 Hz, LTD), %.4f uM s (50 Hz, LTP)\n", q1 / 1000.0, q50 / 1000.0);
  EXPECT_GT(q1, 0.0);
  EXPECT_LT(q1, q50) << "Q_LTD < Q_LTP";
  EXPECT_NEAR(q1, trace1, 1e-3 * trace1);
  EXPECT_NEAR(q50, trace50, 1e-3 * trace50);
}

// P-CTRL-1 (Mulkey & Malenka 1992; Bi & Poo 1998: LTP and LTD need NMDA receptors): with the
// NMDA receptors blocked (nmda_block = 1, AP5; C_VDCC = 0 by default) neither the 3 Hz LFS
// nor the 50 Hz train changes W by more than 3% (dossier margin), although the EPSPs are
// unchanged.
TEST(Protocol, P_CTRL_1_nmda_block_abolishes_plasticity_shouval) {
  const double lfs = w_ratio(3.0, 1.0), tetanus = w_ratio(50.0, 1.0);
  std::printf("P-CTRL-1 Shouval, NMDA blocked: W/W0 = %.5f (3 Hz), %.5f (50 Hz)\n", lfs, tetanus);
  EXPECT_NEAR(lfs, 1.0, 0.03);
  EXPECT_NEAR(tetanus, 1.0, 0.03);
}

// P-ASSOC (dossier; margins ours): one lif_cond_nmda neuron, S_strong = presynaptic neurons
// 0-99, S_weak = 100-104, one plastic AMPA synapse each; a "tetanus" is 100 synchronous volleys
// at 8 Hz of the stimulated synapses. At 8 Hz a synapse that depolarises the cell little is
// depressed (Shouval's LTD zone), one that shares its volleys with enough others is
// potentiated: that is cooperativity and associativity in this model. Asserted:
//  * specificity: tetanising S_strong leaves every unstimulated synapse's W unchanged (< 3%);
//  * cooperativity: the mean change of the k stimulated synapses does not decrease with k
//    (1, 5, 10, 20, 50, 100) and potentiation needs k > 1;
//  * associativity: S_weak alone is not potentiated; paired with S_strong it is, by at least
//    half of S_strong's relative change.
// Disagreement, reported: the dossier expects dw ~ 0 for k = 1; this rule depresses a lone
// synapse at 8 Hz (W/W0 ~ 0.04): below the cooperativity threshold it gives LTD, as BCM-type
// rules do.
std::vector<double> assoc_w_ratio(const std::vector<int>& stimulated) {
  network net = load_model_file(ENGRAM_SOURCE_DIR "/models/protocols/P-ASSOC_shouval.json");
  auto& st = net.populations[static_cast<std::size_t>(net.population_index("pre"))].spike_times;
  const auto volleys = st[0];
  for (auto& s : st) s.clear();
  for (int i : stimulated) st[static_cast<std::size_t>(i)] = volleys;
  net.recorders.clear();
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  sim->advance(net.steps());
  auto w = sim->synapse_variable(net.projection_index("syn"), "w");
  std::vector<double> r;
  for (float x : w) r.push_back(x / 0.25);
  return r;
}
double mean_of(const std::vector<double>& v, int lo, int hi) {
  double s = 0;
  for (int i = lo; i < hi; ++i) s += v[static_cast<std::size_t>(i)];
  return s / (hi - lo);
}
std::vector<int> range_of(int lo, int hi) {
  std::vector<int> r;
  for (int i = lo; i < hi; ++i) r.push_back(i);
  return r;
}

TEST(Protocol, P_ASSOC_specificity_cooperativity_associativity_shouval) {
  double previous = 0;
  for (int k : {1, 5, 10, 20, 50, 100}) {
    const auto r = assoc_w_ratio(range_of(0, k));
    const double stimulated = mean_of(r, 0, k);
    std::printf("P-ASSOC cooperativity: k = %3d -> W/W0 %.3f\n", k, stimulated);
    EXPECT_GE(stimulated, previous - 1e-3) << "k = " << k;
    previous = stimulated;
    for (int i = k; i < 105; ++i) EXPECT_NEAR(r[static_cast<std::size_t>(i)], 1.0, 0.03) << "unstimulated synapse " << i;
    if (k == 1) EXPECT_LT(stimulated, 1.0) << "a lone synapse is not potentiated";
    if (k == 100) EXPECT_GT(stimulated, 1.5);
  }
  const auto weak = assoc_w_ratio(range_of(100, 105));
  const auto paired = assoc_w_ratio(range_of(0, 105));
  const double w_alone = mean_of(weak, 100, 105), w_paired = mean_of(paired, 100, 105), s_paired = mean_of(paired, 0, 100);
  std::printf("P-ASSOC associativity: S_weak alone %.3f, paired %.3f (S_strong %.3f)\n", w_alone, w_paired, s_paired);
  EXPECT_LT(w_alone, 1.0);
  EXPECT_GT(w_paired - 1.0, 0.5 * (s_paired - 1.0));
}

}  // namespace
}  // namespace engram
