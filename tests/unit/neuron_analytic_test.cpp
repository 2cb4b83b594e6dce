// Neuron models against closed-form solutions (P-UNIT-5, M1.4) and, for AdEx, a fine-step
// double-precision reference. State is float: tolerances are stated per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "models/registry.hpp"

using namespace engram;
using namespace engram::neurons;

namespace {
template <class M>
struct single_neuron {
  typename M::params p{};
  typename M::derived d{};
  typename M::state s{};
  double dt;
  explicit single_neuron(typename M::params params, double dt_ms) : p(params), dt(dt_ms) {
    d = M::derive(p, dt);
    s = M::initial(p);
  }
  bool step(std::vector<real> in = {}, real i_stim = 0) {
    in.resize(M::n_ports, 0);
    return M::update(s, d, in.data(), i_stim);
  }
};
}  // namespace

// LIF (delta synapses) below threshold under a DC step: V(t) = E_L + I R (1 - exp(-t/tau)).
TEST(NeuronAnalytic, LifDeltaSubthresholdDcStep) {
  lif_delta::params p;
  p.E_L = -70;
  p.V_th = 100;  // never fires
  p.V_reset = -70;
  single_neuron<lif_delta> n(p, 0.1);
  const double I = 300.0;  // pA; R I = 20/250*300 = 24 mV
  for (int k = 1; k <= 2000; ++k) {
    n.step({}, static_cast<real>(I));
    const double t = k * 0.1;
    const double v = p.E_L + I * p.tau_m / p.C_m * (1 - std::exp(-t / p.tau_m));
    // Stated float tolerance: V is stored in absolute mV, where one ulp is 7.6e-6 mV, and each
    // step rounds once; over 2000 steps the drift stays below 2e-4 mV (26 ulps, 8e-6 of the
    // 24 mV response). (Storing V - E_L instead would gain about one decimal.)
    ASSERT_NEAR(n.s.v, v, 2e-4) << "t = " << t;
  }
}

// The same for iaf_psc_exp: with no synaptic input, its V follows the same closed form.
TEST(NeuronAnalytic, LifCurrExpSubthresholdDcStep) {
  lif_curr_exp::params p;
  p.V_th = 0;
  single_neuron<lif_curr_exp> n(p, 0.1);
  const double I = 200.0;
  for (int k = 1; k <= 1000; ++k) {
    n.step({}, static_cast<real>(I));
    const double v = p.E_L + I * p.tau_m / p.C_m * (1 - std::exp(-k * 0.1 / p.tau_m));
    ASSERT_NEAR(n.s.v, v, 2e-4);  // float tolerance, as above
  }
}

// P-UNIT-5: exact LIF propagator. tau_m 10 ms, tau_syn 0.5 ms, C 250 pF, one 87.81 pA current
// kick from rest gives a peak PSP of 0.150 mV (PD14 conversion 585.39 pA/mV), tolerance 1e-4 mV.
TEST(NeuronAnalytic, P_UNIT_5_PspPeakOfPotjansDiesmannKick) {
  lif_curr_exp::params p;  // defaults are the PD14 neuron
  ASSERT_EQ(p.tau_m, 10.0);
  ASSERT_EQ(p.tau_syn_exc, 0.5);
  ASSERT_EQ(p.C_m, 250.0);
  // At the PD14 step (0.1 ms) the grid maximum (t = 1.6 ms) is within 1e-6 mV of the true
  // peak (t* = 1.577 ms). (Much finer steps are not useful with float state in absolute mV:
  // each step's increment would be rounded to the 7.6e-6 mV ulp at -65 mV.)
  const double dt = 0.1;
  single_neuron<lif_curr_exp> n(p, dt);
  n.step({87.81f, 0.f});
  double peak = 0;
  for (int k = 0; k < 200; ++k) {
    n.step();
    peak = std::max(peak, static_cast<double>(n.s.v) - p.E_L);
  }
  EXPECT_NEAR(peak, 0.150, 1e-4);
  // And the closed form at every step: PSP(t) = I0 tm ts / (C (tm - ts)) (e^{-t/tm} - e^{-t/ts}).
  single_neuron<lif_curr_exp> m(p, 0.1);
  m.step({87.81f, 0.f});  // the kick lands at the end of step 0 (t = 0.1 ms)
  for (int k = 1; k <= 100; ++k) {
    m.step();
    const double t = k * 0.1;
    const double psp = 87.81 * 10 * 0.5 / (250 * 9.5) * (std::exp(-t / 10) - std::exp(-t / 0.5));
    ASSERT_NEAR(m.s.v - p.E_L, psp, 2e-5) << "t = " << t;
  }
}

// f-I curve: with constant suprathreshold current the ISI is t_ref plus the charging time
// T = tau ln((R I - (V_reset - E_L)) / (R I - (V_th - E_L))), up to the step grid: the
// threshold is crossed in the first step at or after T, so ISI_steps = ref_steps + ceil(T/dt).
TEST(NeuronAnalytic, LifDeltaFICurveMatchesAnalyticIsi) {
  lif_delta::params p;  // Brunel: tau 20, theta 20, reset 10, t_ref 2, C 250
  const double dt = 0.1;
  for (double I : {260.0, 300.0, 400.0, 800.0, 2000.0}) {
    single_neuron<lif_delta> n(p, dt);
    n.s.v = static_cast<real>(p.V_reset);
    std::vector<int> spikes;
    for (int k = 0; k < 20000; ++k)
      if (n.step({}, static_cast<real>(I))) spikes.push_back(k);
    ASSERT_GE(spikes.size(), 3u) << "I = " << I;
    const double RI = I * p.tau_m / p.C_m;
    const double T = p.tau_m * std::log((RI - (p.V_reset - p.E_L)) / (RI - (p.V_th - p.E_L)));
    const double isi_expected = (std::ceil(T / dt - 1e-9) + std::round(p.t_ref / dt)) * dt;
    const double isi_continuous = T + p.t_ref;
    const double isi = (spikes.back() - spikes[1]) * dt / static_cast<double>(spikes.size() - 2);
    EXPECT_NEAR(isi, isi_expected, 1e-9) << "I = " << I;
    EXPECT_NEAR(isi, isi_continuous, dt) << "I = " << I;  // the grid costs at most one step
  }
  // Below rheobase (R I < theta - E_L = 20 mV, I < 250 pA): silent.
  single_neuron<lif_delta> n(p, dt);
  int count = 0;
  for (int k = 0; k < 20000; ++k) count += n.step({}, 249.0f);
  EXPECT_EQ(count, 0);
}

// Exponential conductance decay: g(t) = w exp(-t/tau) after one input.
TEST(NeuronAnalytic, CondExpConductanceDecay) {
  lif_cond_exp::params p;
  single_neuron<lif_cond_exp> n(p, 0.1);
  n.step({6.0f, 67.0f});
  for (int k = 1; k <= 500; ++k) {
    n.step();
    const double t = k * 0.1;
    ASSERT_NEAR(n.s.g_AMPA / (6.0 * std::exp(-t / 5.0)), 1.0, 1e-5) << t;
    ASSERT_NEAR(n.s.g_GABA_A / (67.0 * std::exp(-t / 10.0)), 1.0, 1e-5) << t;
  }
}

// COBA membrane with constant conductances relaxes to V_inf exactly (exponential Euler is
// exact for constant g): V(t) = V_inf + (V0 - V_inf) exp(-t g_tot / C).
TEST(NeuronAnalytic, CondExpRelaxationWithClampedConductance) {
  lif_cond_exp::params p;
  p.V_th = 100;
  p.tau_AMPA = 1e12;  // effectively constant conductance
  single_neuron<lif_cond_exp> n(p, 0.1);
  n.step({5.0f, 0.f});  // g_AMPA = 5 nS from now on; V unchanged this step
  const double g_tot = 15.0, v_inf = (10.0 * -60.0 + 5.0 * 0.0) / g_tot;
  for (int k = 1; k <= 1000; ++k) {
    n.step();
    const double v = v_inf + (-60.0 - v_inf) * std::exp(-k * 0.1 * g_tot / 200.0);
    ASSERT_NEAR(n.s.v, v, 1e-4) << k;
  }
}

// AdEx under a DC step against a double-precision RK4 reference at dt = 0.001 ms. On a grid
// a spike (and its reset and w jump) happens at the end of the step in which V crosses
// V_peak, so each interval can lengthen by up to one step and the shifts add up. Checked:
// the subthreshold approach to the first spike (0.05 mV), the first spike within one step,
// at dt = 0.01 ms every spike within 0.1 ms, and at dt = 0.1 ms the steady-state interval
// within one step.
namespace {
std::vector<double> adex_reference_spikes(const adex_cond_exp::params& p, double I, double t_end,
                                          std::vector<double>* v_trace = nullptr) {
  std::vector<double> spikes;
  double v = p.E_L, w = 0;
  const double h = 0.001;
  auto f = [&](double vv, double ww, double& dv, double& dw) {
    const double vc = std::min(vv, p.V_peak);
    dv = (-p.g_L * (vv - p.E_L) + p.g_L * p.Delta_T * std::exp((vc - p.V_T) / p.Delta_T) - ww + I) / p.C_m;
    dw = (p.a * (vv - p.E_L) - ww) / p.tau_w;
  };
  const long n = std::lround(t_end / h);
  for (long k = 1; k <= n; ++k) {
    double a1, b1, a2, b2, a3, b3, a4, b4;
    f(v, w, a1, b1);
    f(v + h / 2 * a1, w + h / 2 * b1, a2, b2);
    f(v + h / 2 * a2, w + h / 2 * b2, a3, b3);
    f(v + h * a3, w + h * b3, a4, b4);
    v += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    w += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
    if (v_trace && k % 100 == 0) v_trace->push_back(v);  // every 0.1 ms
    if (v >= p.V_peak) {
      spikes.push_back(k * h);
      v = p.V_reset;
      w += p.b;
    }
  }
  return spikes;
}
std::vector<double> adex_engram_spikes(const adex_cond_exp::params& p, double I, double t_end, double dt,
                                       std::vector<double>* v_trace = nullptr) {
  single_neuron<adex_cond_exp> n(p, dt);
  std::vector<double> spikes;
  const long steps = std::lround(t_end / dt);
  for (long k = 0; k < steps; ++k) {
    if (n.step({}, static_cast<real>(I))) spikes.push_back((k + 1) * dt);
    if (v_trace) v_trace->push_back(n.s.v);
  }
  return spikes;
}
}  // namespace

TEST(NeuronAnalytic, AdexAgainstFineStepReference) {
  adex_cond_exp::params p;  // Brette & Gerstner 2005 regular spiking
  const double I = 1000.0;  // pA: tonic spiking with adaptation
  std::vector<double> v_ref, v_eng;
  const auto ref = adex_reference_spikes(p, I, 500.0, &v_ref);
  const auto coarse = adex_engram_spikes(p, I, 500.0, 0.1, &v_eng);
  const auto fine = adex_engram_spikes(p, I, 500.0, 0.01);
  ASSERT_GE(ref.size(), 8u);
  ASSERT_FALSE(coarse.empty());
  EXPECT_NEAR(coarse[0], ref[0], 0.1 + 1e-9);
  for (std::size_t k = 0; (k + 1) * 0.1 < ref[0] - 1.0; ++k) ASSERT_NEAR(v_eng[k], v_ref[k], 0.05) << "t = " << (k + 1) * 0.1;
  ASSERT_EQ(fine.size(), ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(fine[i], ref[i], 0.1) << "spike " << i;
  const std::size_t m = ref.size(), c = coarse.size();
  ASSERT_GE(c, 4u);
  EXPECT_NEAR(coarse[c - 1] - coarse[c - 2], ref[m - 1] - ref[m - 2], 0.1 + 1e-9);
  // Adaptation: inter-spike intervals lengthen.
  EXPECT_GT(coarse[4] - coarse[3], coarse[1] - coarse[0]);
}

// Refractoriness: lif_delta discards input while refractory and clamps V at V_reset.
TEST(NeuronAnalytic, RefractoryPeriodClampsAndDiscards) {
  lif_delta::params p;
  single_neuron<lif_delta> n(p, 0.1);
  n.s.v = 19.95f;
  EXPECT_TRUE(n.step({1.0f}));
  for (int k = 0; k < 20; ++k) {
    EXPECT_FALSE(n.step({5.0f}));  // 2 ms = 20 steps: input discarded
    EXPECT_EQ(n.s.v, 10.0f);
  }
  n.step({5.0f});
  EXPECT_NEAR(n.s.v, 10.0 * std::exp(-0.1 / 20) + 5.0, 1e-5);
}

// P-UNIT-2 (science dossier protocols.md; M2): a dual-exponential conductance with
// tau_r = 2 ms, tau_d = 100 ms and w = 1 nS peaks at 1 nS at t_peak = 7.983720 ms, and its
// integral is w N (tau_d - tau_r). Tolerance 1e-4 (float32), from the dossier. The NMDA
// receptor of lif_cond_nmda is that conductance (before the Mg2+ block); GABA_B uses the same
// propagator with 60/200 ms.
TEST(NeuronAnalytic, P_UNIT_2_DualExponentialNmdaConductance) {
  const double dt = 0.01;
  lif_cond_nmda::params p;
  p.V_th = 1000;  // no spikes
  single_neuron<lif_cond_nmda> n(p, dt);
  n.step({0.f, 1.0f, 0.f, 0.f});  // arrives at the end of step 0: t = 0
  double peak = 0, t_peak = 0;
  for (int k = 1; k <= 3000; ++k) {
    n.step();
    const double g = n.s.g.g_NMDA;
    if (g > peak) peak = g, t_peak = k * dt;
  }
  // The integral at dt = 0.1 ms: float propagators carry a relative error of ~3e-8 per step,
  // which over the 2e5 steps of 2 s at dt = 0.01 ms would exceed the tolerance by itself.
  single_neuron<lif_cond_nmda> q(p, 0.1);
  q.step({0.f, 1.0f, 0.f, 0.f});
  double integral = 0;
  for (int k = 1; k <= 20000; ++k) {  // 2 s: the tail beyond is < 1e-8 of the integral
    q.step();
    integral += q.s.g.g_NMDA * 0.1;
  }
  const double tr = 2.0, td = 100.0;
  const double tp = td * tr * std::log(td / tr) / (td - tr);
  EXPECT_NEAR(tp, 7.983720, 1e-6);
  const double N = 1.0 / (std::exp(-tp / td) - std::exp(-tp / tr));
  EXPECT_NEAR(peak, 1.0, 1e-4);
  EXPECT_NEAR(t_peak, tp, dt / 2 + 1e-9);
  EXPECT_NEAR(integral / (N * (td - tr)), 1.0, 1e-4);
  // The closed form at every step of the first 50 ms (exact propagators).
  single_neuron<lif_cond_nmda> m(p, 0.1);
  m.step({0.f, 2.5f, 0.f, 1.5f});
  for (int k = 1; k <= 500; ++k) {
    m.step();
    const double t = k * 0.1;
    const double tp_b = 200.0 * 60.0 * std::log(200.0 / 60.0) / 140.0;
    const double N_b = 1.0 / (std::exp(-tp_b / 200.0) - std::exp(-tp_b / 60.0));
    ASSERT_NEAR(m.s.g.g_NMDA, 2.5 * N * (std::exp(-t / td) - std::exp(-t / tr)), 2.5e-4) << t;
    ASSERT_NEAR(m.s.g.g_GABA_B, 1.5 * N_b * (std::exp(-t / 200.0) - std::exp(-t / 60.0)), 1.5e-4) << t;
  }
}

// The Mg2+ block inside the membrane equation (M2, Jahr & Stevens 1990): with a constant NMDA
// conductance the membrane settles where the leak and the blocked NMDA current balance,
// g_L (V - E_L) + (1 - block) B(V) g (V - E_NMDA) = 0, solved here by bisection in double.
// [Mg2+] = 0 removes the block; NMDA_block = 1 (AP5) removes the current entirely.
TEST(NeuronAnalytic, NmdaMagnesiumBlockSetsTheSteadyState) {
  struct variant {
    double mg, block;
  } cases[] = {{1.0, 0.0}, {2.0, 0.0}, {0.0, 0.0}, {1.0, 0.5}, {1.0, 1.0}};
  for (const auto& c : cases) {
    lif_cond_nmda::params p;
    p.V_th = 1000;
    p.tau_NMDA_rise = 1e-3;  // the conductance jumps to its weight at once ...
    p.tau_NMDA_decay = 1e12; // ... and stays there
    p.Mg = c.mg;
    p.NMDA_block = c.block;
    single_neuron<lif_cond_nmda> n(p, 0.1);
    const double g = 5.0;  // nS
    n.step({0.f, static_cast<float>(g), 0.f, 0.f});
    for (int k = 0; k < 20000; ++k) n.step();  // 2 s >> tau_m
    auto current = [&](double v) {
      const double b = 1.0 / (1.0 + std::exp(-0.062 * v) * c.mg / 3.57);
      return 10.0 * (v + 65.0) + (1 - c.block) * b * g * v;
    };
    double lo = -65.0, hi = 0.0;
    for (int i = 0; i < 100; ++i) (current(0.5 * (lo + hi)) > 0 ? hi : lo) = 0.5 * (lo + hi);
    EXPECT_NEAR(n.s.v, 0.5 * (lo + hi), 2e-3) << "Mg " << c.mg << " mM, block " << c.block;
    if (c.block == 1.0) EXPECT_EQ(n.s.v, -65.0f) << "a full block leaves V at rest";
  }
}

// P-META-1, second half (dossier M2): raising the NMDA/AMPA ratio kappa scales the NMDA
// conductance only. At rest B(-65 mV) = 0.06, so the EPSP grows much less than kappa; the dossier
// gives no tolerance ("without changing baseline strength"), so the test reports the peaks and
// asserts what must hold: the AMPA-only EPSP is identical, the full EPSP grows monotonically
// with kappa and by far less than the NMDA conductance does (here: < 25% for kappa 1 -> 2).
TEST(NeuronAnalytic, P_META_1_NmdaRatioBarelyChangesTheEpspAtRest) {
  auto epsp_peak = [](float ampa, float nmda) {
    lif_cond_nmda::params p;
    p.V_th = 1000;
    single_neuron<lif_cond_nmda> n(p, 0.1);
    n.step({ampa, nmda, 0.f, 0.f});
    double peak = -65.0;
    for (int k = 0; k < 3000; ++k) {
      n.step();
      peak = std::max(peak, static_cast<double>(n.s.v));
    }
    return peak + 65.0;  // mV above rest
  };
  const double ampa_only = epsp_peak(1.0f, 0.0f);
  EXPECT_EQ(ampa_only, epsp_peak(1.0f, 0.0f));
  const double k1 = epsp_peak(1.0f, 0.5f), k15 = epsp_peak(1.0f, 0.75f), k2 = epsp_peak(1.0f, 1.0f);
  std::printf("P-META-1 EPSP peaks (AMPA 1 nS, NMDA 0.5 nS x kappa): AMPA only %.4f mV, kappa 1: %.4f, 1.5: %.4f, 2: %.4f mV\n",
              ampa_only, k1, k15, k2);
  EXPECT_GT(k15, k1);
  EXPECT_GT(k2, k15);
  EXPECT_LT(k2 / k1, 1.25);
}

// adex_cond_nmda with AMPA and GABA_A input only is adex_cond_exp (same equations, the
// receptor sum associated differently): the membrane potentials agree within float rounding
// through a 500 ms run with spikes.
TEST(NeuronAnalytic, AdexNmdaWithoutNmdaMatchesAdexCondExp) {
  adex_cond_exp::params pe;
  adex_cond_nmda::params pn;
  single_neuron<adex_cond_exp> a(pe, 0.1);
  single_neuron<adex_cond_nmda> b(pn, 0.1);
  int spikes_a = 0, spikes_b = 0;
  for (int k = 0; k < 5000; ++k) {
    const float ampa = (k % 37 == 0) ? 3.0f : 0.0f, gaba = (k % 91 == 0) ? 5.0f : 0.0f;
    spikes_a += a.step({ampa, gaba}, 1000.0f);
    spikes_b += b.step({ampa, 0.f, gaba, 0.f}, 1000.0f);
    ASSERT_NEAR(a.s.v, b.s.v, 2e-3) << "step " << k;
  }
  EXPECT_EQ(spikes_a, spikes_b);
  EXPECT_GT(spikes_a, 3);
}

// The Mg2+ block in adex_cond_nmda: with a constant NMDA conductance (and a, b = 0) V settles
// where leak, spike current and blocked NMDA current balance:
// -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - (1 - block) B(V) g V = 0.
TEST(NeuronAnalytic, AdexNmdaMagnesiumBlockSetsTheSteadyState) {
  struct variant {
    double mg, block;
  } cases[] = {{1.0, 0.0}, {2.0, 0.0}, {1.0, 0.5}};
  for (const auto& c : cases) {
    adex_cond_nmda::params p;
    p.a = 0;
    p.b = 0;
    p.tau_NMDA_rise = 1e-3;
    p.tau_NMDA_decay = 1e12;
    p.Mg = c.mg;
    p.NMDA_block = c.block;
    single_neuron<adex_cond_nmda> n(p, 0.1);
    const double g = 3.0;  // nS: stays subthreshold
    n.step({0.f, static_cast<float>(g), 0.f, 0.f});
    for (int k = 0; k < 20000; ++k) ASSERT_FALSE(n.step()) << "must stay subthreshold";
    auto current = [&](double v) {
      const double b = 1.0 / (1.0 + std::exp(-0.062 * v) * c.mg / 3.57);
      return -30.0 * (v + 70.6) + 30.0 * 2.0 * std::exp((v + 50.4) / 2.0) - (1 - c.block) * b * g * v;
    };
    double lo = -70.6, hi = -55.0;  // current > 0 at lo, < 0 at hi (the stable fixed point)
    for (int i = 0; i < 100; ++i) (current(0.5 * (lo + hi)) > 0 ? lo : hi) = 0.5 * (lo + hi);
    EXPECT_NEAR(n.s.v, 0.5 * (lo + hi), 2e-3) << "Mg " << c.mg << " mM, block " << c.block;
  }
}

// lif_curr_alpha (NEST iaf_psc_alpha): one input of w = 100 pA gives the alpha current
// I(t) = w (e/tau_s) t e^{-t/tau_s}, peaking at w after tau_s, and the voltage
// V(t) - E_L = (w e / tau_s) (1/C) int_0^t e^{-(t-s)/tau_m} s e^{-s/tau_s} ds (closed form
// below), for tau_s != tau_m and in the singular case tau_s = tau_m (V = (w e/tau_s) t^2/2
// e^{-t/tau_m} / C). Float state: within 1e-5 of the peak.
TEST(NeuronAnalytic, LifCurrAlphaPscAndPspMatchClosedForm) {
  for (const double tau_s : {2.0, 10.0}) {
    lif_curr_alpha::params p;
    p.E_L = 0;
    p.V_reset = 0;
    p.V_th = 1e6;
    p.tau_syn_exc = tau_s;
    const double h = 0.1, w = 100.0, a = w * std::exp(1.0) / tau_s, C = p.C_m, tm = p.tau_m;
    single_neuron<lif_curr_alpha> n(p, h);
    n.step({static_cast<real>(w), 0});
    double peak_i = 0, peak_t = 0, max_err_v = 0, max_err_i = 0, peak_v = 0;
    for (int k = 1; k <= 600; ++k) {
      n.step();
      const double t = k * h;
      const double kk = 1.0 / tm - 1.0 / tau_s;
      const double v = std::fabs(kk) < 1e-12 ? a / C * std::exp(-t / tm) * t * t / 2
                                              : a / C * (std::exp(-t / tm) - std::exp(-t / tau_s) + kk * t * std::exp(-t / tau_s)) / (kk * kk);
      const double i = a * t * std::exp(-t / tau_s);
      max_err_v = std::max(max_err_v, std::fabs(n.s.v - v));
      max_err_i = std::max(max_err_i, std::fabs(n.s.i_exc - i));
      peak_v = std::max(peak_v, v);
      if (n.s.i_exc > peak_i) peak_i = n.s.i_exc, peak_t = t;
    }
    std::printf("lif_curr_alpha tau_s %.0f ms: PSC peak %.4f pA at %.1f ms, PSP peak %.5f mV; max error V %.2e mV, I %.2e pA\n",
                tau_s, peak_i, peak_t, peak_v, max_err_v, max_err_i);
    EXPECT_NEAR(peak_i, w, 1e-3 * w);
    EXPECT_NEAR(peak_t, tau_s, h / 2);
    EXPECT_LT(max_err_v, 1e-5 * peak_v);
    EXPECT_LT(max_err_i, 1e-5 * w);
  }
}

// The adaptive threshold added to a model (adaptive_threshold.hpp) changes nothing while
// theta_plus = 0 (bit for bit, spikes included), and with theta_plus > 0 each spike raises the
// threshold by theta_plus: a constantly driven lif_cond_exp_ip neuron fires less and its theta
// equals theta_plus times its spike count (tau_theta very long, target_rate 0).
TEST(NeuronAnalytic, AdaptiveThresholdOnLifCondExp) {
  lif_cond_exp::params base;
  lif_cond_exp_ip::params ip;
  ip.theta_plus = 0.0;
  single_neuron<lif_cond_exp> a(base, 0.1);
  single_neuron<lif_cond_exp_ip> b(ip, 0.1);
  int spikes_a = 0, spikes_b = 0;
  for (int k = 0; k < 20000; ++k) {
    const std::vector<real> in = {static_cast<real>(k % 50 == 0 ? 3.0 : 0.0), 0};
    spikes_a += a.step(in, 250.0f);
    spikes_b += b.step(in, 250.0f);
    ASSERT_EQ(a.s.v, b.s.v) << "step " << k;
  }
  EXPECT_GT(spikes_a, 10);
  EXPECT_EQ(spikes_a, spikes_b);
  EXPECT_EQ(b.s.theta, 0.0f);
  ip.theta_plus = 1.0;
  ip.tau_theta = 1e12;
  single_neuron<lif_cond_exp_ip> c(ip, 0.1);
  int spikes_c = 0;
  for (int k = 0; k < 20000; ++k) spikes_c += c.step({static_cast<real>(k % 50 == 0 ? 3.0 : 0.0), 0}, 250.0f);
  std::printf("lif_cond_exp_ip: %d spikes without adaptation, %d with theta_plus = 1 mV (theta %.4f mV)\n", spikes_a,
              spikes_c, c.s.theta);
  EXPECT_LT(spikes_c, spikes_a);
  EXPECT_GT(spikes_c, 0);
  EXPECT_NEAR(c.s.theta, spikes_c * 1.0, 1e-3 * spikes_c);
}
