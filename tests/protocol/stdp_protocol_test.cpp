// Spike-timing rules run as protocols through the CPU backend (science dossier M7, M8;
// protocols.md P-STDP-1, P-STDP-4): a presynaptic spike source and a postsynaptic neuron made
// to fire at chosen times by a driver, one plastic synapse between them, and the weight read at
// the end. Expected values are the dossier's derived numbers or the rule's closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engram/model_file.hpp"
#include "engram/simulation.hpp"

namespace engram {
namespace {

constexpr const char* triplet_file = ENGRAM_SOURCE_DIR "/models/protocols/P-STDP-4_triplet_visual_cortex.json";

// Presynaptic spikes at `pre`; the postsynaptic neuron fires at each time of `post` (its driver
// spikes one step earlier, the driver's delay).
void set_spikes(network& net, const std::vector<double>& pre, const std::vector<double>& post) {
  const double dt = net.run.dt;
  auto& p = net.populations[static_cast<std::size_t>(net.population_index("pre"))].spike_times[0];
  auto& d = net.populations[static_cast<std::size_t>(net.population_index("driver"))].spike_times[0];
  p = pre;
  d.clear();
  for (double t : post) d.push_back(t - dt);
  net.run.duration = std::round((std::max(pre.back(), post.back()) + 500.0) / dt) * dt;
  for (auto& r : net.recorders)
    if (r.type == recorder::kind::weights) r.times = {0.0, net.run.duration};
}

// The Sjöström protocol of P-STDP-4: pair k has its presynaptic spike at 1000 + k 1000/f ms and
// its postsynaptic spike delta ms later.
void set_pairs(network& net, double f_hz, double delta, int pairs = 60) {
  std::vector<double> pre, post;
  for (int k = 0; k < pairs; ++k) {
    pre.push_back(std::round((1000.0 + k * 1000.0 / f_hz) * 10.0) / 10.0);
    post.push_back(pre.back() + delta);
  }
  set_spikes(net, pre, post);
}

struct result {
  double weight;
  std::size_t post_spikes;
};
result run(const network& net) {
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  sim->advance(net.steps());
  return {sim->weights(net.projection_index("plastic")).at(0), sim->results().spike_recorders.at(0).step.size()};
}

plasticity_spec& rule_of(network& net) {
  return net.projections[static_cast<std::size_t>(net.projection_index("plastic"))].plasticity.at(0);
}

// P-STDP-4: the triplet rule reproduces the frequency dependence of Sjöström et al. (2001).
// Expected: the dossier's derived values for three published sets; tolerance 5e-3 (float32,
// time-stepped at 0.1 ms: the dossier's tolerance for this case).
TEST(Protocol, P_STDP_4_triplet_rule_frequency_dependence) {
  const double freqs[] = {0.1, 10, 20, 40, 50};
  const struct {
    const char* set;
    double plus[5], minus[5];
  } sets[] = {
      {"visual cortex all-to-all full", {0.000, 0.132, 0.247, 0.534, 0.741}, {-0.312, -0.334, -0.352, 0.155, 0.727}},
      {"visual cortex all-to-all minimal", {0.000, 0.119, 0.228, 0.532, 0.763}, {-0.317, -0.332, -0.342, 0.174, 0.749}},
      {"visual cortex nearest-spike full", {0.000, 0.104, 0.323, 0.560, 0.624}, {-0.294, -0.411, -0.338, 0.260, 0.619}},
  };
  // Sjöström et al. 2001 (dossier P-STDP-4 table): dw/w and SEM; the model must lie within 2 SEM.
  const double data_plus[5] = {-0.04, 0.14, 0.29, 0.53, 0.56}, sem_plus[5] = {0.05, 0.10, 0.14, 0.11, 0.26};
  const double data_minus[5] = {-0.29, -0.41, -0.34, 0.56, 0.75}, sem_minus[5] = {0.08, 0.11, 0.10, 0.32, 0.19};
  for (const auto& s : sets)
    for (int k = 0; k < 5; ++k)
      for (const double delta : {+10.0, -10.0}) {
        network net = load_model_file(triplet_file);
        rule_of(net).parameter_set = s.set;
        set_pairs(net, freqs[k], delta);
        const result r = run(net);
        const double expected = delta > 0 ? s.plus[k] : s.minus[k];
        std::printf("P-STDP-4 %-36s f %4.1f Hz dt %+5.1f ms: dw/w %+.4f (expected %+.3f)\n", s.set, freqs[k], delta,
                    r.weight - 1.0, expected);
        EXPECT_EQ(r.post_spikes, 60u) << "the postsynaptic neuron must fire once per pair";
        EXPECT_NEAR(r.weight - 1.0, expected, 5e-3) << s.set << " f " << freqs[k] << " Hz, dt " << delta << " ms";
        EXPECT_NEAR(r.weight - 1.0, delta > 0 ? data_plus[k] : data_minus[k], 2.0 * (delta > 0 ? sem_plus[k] : sem_minus[k]))
            << "model vs Sjöström 2001 data: " << s.set << " f " << freqs[k] << " Hz, dt " << delta << " ms";
      }
}

// The pair rule's closed form (dossier M7, NEST stdp_synapse): one pairing changes w/W_max by
// +lambda (1 - w/W_max)^mu_plus e^{-dt/tau_plus} (dt > 0) or by
// -alpha lambda (w/W_max)^mu_minus e^{-|dt|/tau_minus} (dt < 0). 60 pairs at 1 Hz interact
// through e^{-1000/20}, i.e. not at all, so the additive rule gives exactly 60 times one pairing.
// This is also P-STDP-1's window (Bi & Poo 1998): LTP for 0 < dt <= 20 ms, LTD for
// -20 <= dt < 0, and less than a quarter of the peak change at |dt| >= 80 ms.
TEST(Protocol, P_STDP_1_pair_rule_window_matches_closed_form) {
  const double lambda = 0.002, alpha = 1.05, w0 = 0.5, w_max = 1.0, tau_p = 16.8, tau_m = 33.7;
  double peak = 0.0;
  std::vector<std::pair<double, double>> window;
  for (int step = -20; step <= 20; ++step) {
    const double delta = 5.0 * step;
    if (delta == 0.0) continue;
    network net = load_model_file(triplet_file);
    net.projections[static_cast<std::size_t>(net.projection_index("plastic"))].weight = distribution::constant(w0);
    rule_of(net) = {"stdp", "", {{"lambda", lambda}, {"alpha", alpha}, {"mu_plus", 0}, {"mu_minus", 0}, {"W_max", w_max},
                                 {"tau_plus", tau_p}, {"tau_minus", tau_m}, {"D", 0}}};
    set_pairs(net, 1.0, delta);
    const double change = run(net).weight - w0;
    const double expected = delta > 0 ? 60 * lambda * w_max * std::exp(-delta / tau_p) : -60 * alpha * lambda * w_max * std::exp(delta / tau_m);
    EXPECT_NEAR(change, expected, 1e-5 + 1e-4 * std::fabs(expected)) << "dt " << delta << " ms";
    peak = std::max(peak, std::fabs(change));
    window.emplace_back(delta, change);
  }
  for (const auto& [delta, change] : window) {
    if (delta > 0 && delta <= 20) EXPECT_GT(change, 0.0) << "LTP expected at dt " << delta;
    if (delta < 0 && delta >= -20) EXPECT_LT(change, 0.0) << "LTD expected at dt " << delta;
    if (std::fabs(delta) >= 80) EXPECT_LT(std::fabs(change), 0.25 * peak) << "the window must have decayed at dt " << delta;
  }
}

// Weight dependence (mu) and bounds: multiplicative potentiation shrinks as w approaches W_max,
// multiplicative depression as w approaches 0; weights never leave [0, W_max].
TEST(Protocol, STDP_weight_dependence_and_bounds) {
  const auto one_pairing = [](double w0, double mu, double delta, double lambda) {
    network net = load_model_file(triplet_file);
    net.projections[static_cast<std::size_t>(net.projection_index("plastic"))].weight = distribution::constant(w0);
    rule_of(net) = {"stdp", "", {{"lambda", lambda}, {"mu_plus", mu}, {"mu_minus", mu}, {"W_max", 2.0}, {"D", 0}}};
    set_pairs(net, 1.0, delta, 1);
    return run(net).weight;
  };
  const double e = std::exp(-10.0 / 20.0);
  EXPECT_NEAR(one_pairing(1.5, 1.0, +10, 0.1), 2.0 * (0.75 + 0.1 * 0.25 * e), 1e-6);
  EXPECT_NEAR(one_pairing(1.5, 1.0, -10, 0.1), 2.0 * (0.75 - 0.1 * 0.75 * e), 1e-6);
  EXPECT_NEAR(one_pairing(1.0, 0.5, +10, 0.1), 2.0 * (0.5 + 0.1 * std::sqrt(0.5) * e), 1e-6);
  EXPECT_EQ(one_pairing(1.9, 0.0, +10, 1.0), 2.0f) << "additive potentiation past W_max is clipped";
  EXPECT_EQ(one_pairing(0.1, 0.0, -10, 1.0), 0.0f) << "additive depression past 0 is clipped";
}

// Power-law STDP (Morrison et al. 2007, NEST stdp_pl_synapse_hom, hpc_benchmark parameters):
// one pairing at +10 ms adds lambda w^mu e^{-10/15}; one at -10 ms removes
// lambda alpha w e^{-10/30} (w = 5: below the threshold of the test neuron, which takes mV).
TEST(Protocol, STDP_power_law_matches_its_closed_form) {
  const auto one_pairing = [](double w0, double delta) {
    network net = load_model_file(triplet_file);
    net.projections[static_cast<std::size_t>(net.projection_index("plastic"))].weight = distribution::constant(w0);
    rule_of(net) = {"stdp_power_law", "", {{"D", 0}}};
    set_pairs(net, 1.0, delta, 1);
    return run(net).weight;
  };
  EXPECT_NEAR(one_pairing(5.0, +10), 5.0 + 0.1 * std::pow(5.0, 0.4) * std::exp(-10.0 / 15.0), 1e-4);
  EXPECT_NEAR(one_pairing(5.0, -10), 5.0 - 0.1 * 0.0513 * 5.0 * std::exp(-10.0 / 30.0), 1e-4);
}

// Delay convention (dossier M7): with a synaptic delay D, spikes meet at
// dt_eff = (t_post + f D) - (t_pre + (1 - f) D). NEST's f = 1 turns a pairing at dt = -2 ms
// with D = 5 ms into potentiation at +3 ms; f = 0 (pairing at delivery) into depression at -7 ms.
TEST(Protocol, STDP_dendritic_delay_fraction_sets_where_spikes_meet) {
  const auto change = [](double f) {
    network net = load_model_file(triplet_file);
    auto& pr = net.projections[static_cast<std::size_t>(net.projection_index("plastic"))];
    pr.delay = distribution::constant(5.0);
    pr.weight = distribution::constant(0.5);
    pr.plasticity.at(0) = {"stdp", "", {{"lambda", 0.01}, {"mu_plus", 0}, {"mu_minus", 0}, {"W_max", 1.0},
                                        {"dendritic_delay_fraction", f}}};
    set_pairs(net, 1.0, -2.0, 1);
    return run(net).weight - 0.5;
  };
  EXPECT_NEAR(change(1.0), 0.01 * std::exp(-3.0 / 20.0), 1e-6);
  EXPECT_NEAR(change(0.0), -0.01 * std::exp(-7.0 / 20.0), 1e-6);
  EXPECT_NEAR(change(0.5), -0.01 * std::exp(-2.0 / 20.0), 1e-6);
}

// Nearest-spike pairing: of two presynaptic spikes before a postsynaptic one only the later
// pairs; all-to-all pairs both.
TEST(Protocol, STDP_nearest_spike_pairs_only_the_latest_spike) {
  const auto change = [](double nearest) {
    network net = load_model_file(triplet_file);
    net.projections[static_cast<std::size_t>(net.projection_index("plastic"))].weight = distribution::constant(0.5);
    rule_of(net) = {"stdp", "", {{"lambda", 0.01}, {"mu_plus", 0}, {"mu_minus", 0}, {"W_max", 1.0}, {"D", 0},
                                 {"nearest_spike", nearest}}};
    set_spikes(net, {1000.0, 1010.0}, {1015.0});
    return run(net).weight - 0.5;
  };
  // The post spike potentiates (x_pre) and the second pre spike (before the post) sees no post
  // trace; nothing depresses.
  EXPECT_NEAR(change(0), 0.01 * (std::exp(-15.0 / 20.0) + std::exp(-5.0 / 20.0)), 1e-6);
  EXPECT_NEAR(change(1), 0.01 * std::exp(-5.0 / 20.0), 1e-6);
}

// P-STDP-5: weight distributions of one neuron with 1000 plastic Poisson inputs. Additive STDP
// (Song, Miller & Abbott 2000) drives them to the bounds (>= 70% within 10% of 0 or g_max,
// the dossier's margin; with 10 Hz inputs that takes 2000 s here); depression proportional to w
// (van Rossum, Bi & Turrigiano 2000) keeps them unimodal (< 10% near a bound, mean within 5%
// between 250 and 500 s). About 40 s and 10 s.
double near_bounds(const std::vector<float>& w, std::size_t from, std::size_t n, double g_max) {
  std::size_t near = 0;
  for (std::size_t s = from; s < from + n; ++s) near += w[s] < 0.1 * g_max || w[s] > 0.9 * g_max;
  return static_cast<double>(near) / static_cast<double>(n);
}
double mean_of(const std::vector<float>& w, std::size_t from, std::size_t n) {
  double m = 0;
  for (std::size_t s = from; s < from + n; ++s) m += w[s];
  return m / static_cast<double>(n);
}

TEST(Protocol, P_STDP_5_additive_stdp_gives_a_bimodal_distribution) {
  const network net = load_model_file(ENGRAM_SOURCE_DIR "/models/protocols/P-STDP-5_song2000_additive.json");
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  sim->advance(net.steps());
  const auto& w = sim->results().weight_recorders.at(0).values;  // 5 snapshots x 1000
  for (std::size_t k = 0; k < 5; ++k)
    std::printf("P-STDP-5 additive, %4zu s: mean weight %.4f nS, %.1f%% within 10%% of a bound\n", 500 * k,
                mean_of(w, 1000 * k, 1000), 100 * near_bounds(w, 1000 * k, 1000, 0.15));
  EXPECT_LT(near_bounds(w, 0, 1000, 0.15), 0.25) << "uniform at the start";
  EXPECT_GE(near_bounds(w, 4000, 1000, 0.15), 0.70);
}

TEST(Protocol, P_STDP_5_mixed_stdp_gives_a_stable_unimodal_distribution) {
  const network net = load_model_file(ENGRAM_SOURCE_DIR "/models/protocols/P-STDP-5_van_rossum2000_mixed.json");
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  sim->advance(net.steps());
  const auto& w = sim->results().weight_recorders.at(0).values;  // 0, 250, 500 s
  const double m250 = mean_of(w, 1000, 1000), m500 = mean_of(w, 2000, 1000);
  std::printf("P-STDP-5 mixed: %.1f%% near a bound at 500 s; mean %.4f nS at 250 s, %.4f at 500 s\n",
              100 * near_bounds(w, 2000, 1000, 0.15), m250, m500);
  EXPECT_LT(near_bounds(w, 2000, 1000, 0.15), 0.10);
  EXPECT_NEAR(m500, m250, 0.05 * m250);
}

// P-META-2: a BCM sliding threshold with the triplet rule (sliding_threshold = 1). After 1 h of
// postsynaptic firing at 1 Hz or at 10 Hz, independent Poisson pre and post firing at f for 20 s
// depresses below and potentiates above f* = 19.22 Hz x (nu / 5 Hz)^2, with nu = r + (5 Hz - r)
// e^{-1} the rate estimate after the history r (tau_hom = 1 h): LTD at 0.6 f*, LTP at 1.6 f*,
// so the LTD -> LTP crossover lies near 4.7 Hz after 1 Hz and near 51 Hz after 10 Hz: higher
// after the more active history, as BCM requires. Control: with a fixed A2_minus both histories
// cross at 19.2 Hz.
TEST(Protocol, P_META_2_sliding_threshold_moves_the_ltd_ltp_crossover) {
  const auto change = [](double history_hz, double f, bool sliding) {
    network net = load_model_file(ENGRAM_SOURCE_DIR "/models/protocols/P-META-2_triplet_sliding_threshold.json");
    net.populations[static_cast<std::size_t>(net.population_index("history"))].params["rate"] = history_hz;
    net.populations[static_cast<std::size_t>(net.population_index("pre"))].params["rate"] = f;
    net.populations[static_cast<std::size_t>(net.population_index("driver"))].params["rate"] = f;
    rule_of(net).params["sliding_threshold"] = sliding ? 1.0 : 0.0;
    auto sim = make_simulation(net, {backend_choice::cpu, 1});
    sim->advance(net.steps());
    const auto& w = sim->results().weight_recorders.at(0).values;  // 2 snapshots x 200
    double dw = 0;
    for (std::size_t s = 0; s < 200; ++s) dw += w[200 + s] - w[s];
    return dw / 200.0;
  };
  const double f0 = 7.1e-3 * 33.7 / (6.5e-3 * 16.8 * 114.0) * 1000.0;  // Hz, fixed A2_minus
  double crossover[2] = {0, 0};
  int k = 0;
  for (const double r : {1.0, 10.0}) {
    const double nu = r + (5.0 - r) * std::exp(-1.0);
    const double f_star = f0 * (nu / 5.0) * (nu / 5.0);
    const double below = change(r, 0.6 * f_star, true), above = change(r, 1.6 * f_star, true);
    std::printf("P-META-2 history %4.1f Hz: nu %.2f Hz, f* %.1f Hz; dw at %.1f Hz %+.3e, at %.1f Hz %+.3e\n", r, nu, f_star,
                0.6 * f_star, below, 1.6 * f_star, above);
    EXPECT_LT(below, 0.0) << "LTD expected below the crossover after " << r << " Hz";
    EXPECT_GT(above, 0.0) << "LTP expected above the crossover after " << r << " Hz";
    crossover[k++] = f_star;
  }
  EXPECT_GT(0.6 * crossover[1], 1.6 * crossover[0]) << "the brackets must not overlap";
  for (const double r : {1.0, 10.0}) {
    const double below = change(r, 0.6 * f0, false), above = change(r, 1.6 * f0, false);
    std::printf("P-META-2 control (fixed A2_minus), history %4.1f Hz: dw at %.1f Hz %+.3e, at %.1f Hz %+.3e\n", r, 0.6 * f0,
                below, 1.6 * f0, above);
    EXPECT_LT(below, 0.0);
    EXPECT_GT(above, 0.0);
  }
}

}  // namespace
}  // namespace engram
