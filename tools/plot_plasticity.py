#!/usr/bin/python3
"""Regenerate the figures of docs/plasticity.md by running engram on the plasticity protocols.

usage: tools/plot_plasticity.py [--engram PATH] [--outdir DIR] [--backend cpu|cuda|auto]
                                [--seed N] [--threads N] [--keep]
                                [--only stdp|camkii|ltd|ltp|tagging|units|assoc|nmda|lfs|meta|rate|clamped]

Writes, into --outdir (default docs/ of the repository):
  img_plasticity_stdp_dp.png  P-STDP-2 (Graupner & Brunel 2012 Fig. 2, DP set): population
                              change in synaptic strength after 60 pre-post pairs at 1 Hz, for
                              15 values of dt = t_post - t_pre, simulated (2 000 stochastic
                              synapses per point) against the science dossier's analytic values
  img_plasticity_camkii.png   P-CTRL-2: rho of 2 000 synapses (all starting DOWN) during and after
                              the +10 ms protocol, wild type vs the T286A-like mutant
                              (camkii_autophosphorylation = 0): mean rho and fraction above 0.5
  img_plasticity_ltd_frequency.png
                              P-LTD-1 (Shouval, Bear & Cooper 2002 rule): W/W0 after 900
                              presynaptic pulses at 0.5 ... 50 Hz, the LTD -> LTP crossover found
                              by bisection, and W/W0 pulse by pulse at five frequencies
  img_plasticity_ltp.png      P-LTP-1 and P-CTRL-3 (tagging_capture rule, M6): w/w0 - 1 over 8 h
                              after WTET, one 100-pulse train, STET, and STET with a
                              protein-synthesis blocker; early (h - h0) and late (h0 z) parts of STET
  img_plasticity_tagging.png  P-TAG (Frey & Morris 1997, M6): late phase z and w/w0 - 1 of the
                              weakly tetanised pathway S2 for T1, T2 and T4b (+30, +60, +75 min)
  img_plasticity_assoc.png    P-ASSOC (Shouval rule on one lif_cond_nmda neuron, 100 volleys at
                              8 Hz): W/W0 of the k stimulated synapses against k (cooperativity),
                              of the weak pathway alone and paired (associativity), and of the
                              unstimulated synapses (specificity); 8 runs, a few seconds
  img_plasticity_nmda_block.png
                              P-CTRL-1 (Shouval rule): W/W0 pulse by pulse over 900 pulses at
                              3 Hz (LFS) and 50 Hz, with the NMDA receptors free and blocked
                              (nmda_block = 1, AP5): no change when blocked; 4 runs, a few seconds
  img_plasticity_lfs.png      P-LTD-2 (tagging_capture rule, M6): w/w0 - 1 and the late phase z over
                              8 h after weak LFS (900 Poisson pulses at 1 Hz: early LTD only) and
                              strong LFS (900 bursts of 3 at 20 Hz: late LTD); 2 runs
  img_plasticity_meta.png     P-META-1 (graupner_brunel, cortical-slices set, noise off, all
                              synapses DOWN): mean rho after 100 presynaptic pulses against their
                              frequency for kappa_NMDA = 1, 1.5, 2, with the dossier's analytic
                              onsets f* (calcium first reaching theta_d and theta_p); ~60 runs
  img_plasticity_rate.png     P-STDP-3 (graupner_brunel, cortical-slices set): 75 pairs at
                              0.1-50 Hz, dt = +-10 ms, full stochastic simulation (2 000
                              synapses) against the dossier's analytic values and Sjostrom et al.
                              (2001); 16 runs, about 40 s
  img_plasticity_units.png    P-UNIT-2: the AMPA and the dual-exponential NMDA conductance of one
                              1 nS spike onto lif_cond_nmda, recorded every step, against the
                              closed form (NMDA peak 1 nS at 7.98 ms); and the Jahr & Stevens
                              Mg2+ block B(V) with the dossier's P-UNIT-1 values (drawn from the
                              formula; the unit test checks engram's own code against them)

P-STDP-2 and P-CTRL-2 run modified copies of models/protocols/P-STDP-2_graupner_brunel_DP.json
(17 runs, about 20 s of wall time on the CPU); P-LTD-1 modified copies of
models/protocols/P-LTD-1_shouval_frequency.json (11 frequencies plus 6 bisection steps, about
10 s); P-LTP-1, P-CTRL-3 and P-TAG modified copies of models/protocols/P-LTP-1_tagging_capture.json
with two pathways (9 runs of 8 h 20 min of biological time at dt = 1 ms, 2-3 s each; every
stimulus is shifted to start 20 min into the run, so that the plots show the baseline and the
blocker can start 15 min before STET). The runs go to a temporary folder, deleted unless --keep.
The measured numbers are printed on stdout. Needs only numpy and matplotlib. Units: ms, s, min,
h, mV.
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTOCOL = os.path.join(REPO, "models", "protocols", "P-STDP-2_graupner_brunel_DP.json")
LTD_PROTOCOL = os.path.join(REPO, "models", "protocols", "P-LTD-1_shouval_frequency.json")
GB_BLOCK_PROTOCOL = os.path.join(REPO, "models", "protocols", "P-CTRL-1_graupner_brunel_nmda_block.json")
LTP_PROTOCOL = os.path.join(REPO, "models", "protocols", "P-LTP-1_tagging_capture.json")

# Science dossier (shared/science/protocols.md, P-STDP-2): DP row of the table plus the four
# extra DP points listed under it (analytic reduction, the authors' method).
DOSSIER_DP = {-100: 0.992, -50: 0.905, -30: 0.775, -20: 0.764, -15: 0.821, -10: 0.882, -5: 0.943,
              0: 1.008, 5: 1.241, 10: 1.221, 15: 1.197, 20: 1.172, 30: 1.125, 50: 1.055, 100: 1.005}
TOLERANCE = 0.05   # dossier tolerance (b) for a full stochastic simulation
BETA, B = 0.5, 5.0  # DP set: fraction starting DOWN, w_UP / w_DOWN
PAIRS, F_HZ = 60, 1.0
TAU_MS = 150000.0  # DP set, time constant of rho
CTRL_DT = 0.5      # P-CTRL-2 step (ms), as in the test
CTRL_EVERY = 15000.0  # rho snapshot interval (ms)


def progress(msg):
    print(f"plot_plasticity: {msg}", file=sys.stderr, flush=True)


def set_pairing(model, delta, dt):
    """Pre spikes at 1000 + k/f ms; the driver spikes one step before the postsynaptic spike
    (its delay is one step), so the post neuron fires delta ms after each pre spike."""
    pops = {p["name"]: p for p in model["populations"]}
    pre = [1000.0 + k * 1000.0 / F_HZ for k in range(PAIRS)]
    pops["pre"]["spike_times"] = [[round(t, 6) for t in pre]]
    pops["driver"]["spike_times"] = [[round(t + delta - dt, 6) for t in pre]]


def plastic(model):
    return next(p for p in model["projections"] if p["name"] == "plastic")


def engram_run(args, model, workdir, label):
    """Write the model into workdir/label.json, run engram on it, return the output folder."""
    path = os.path.join(workdir, f"{label}.json")
    out = os.path.join(workdir, label)
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
    cmd = [args.engram, "run", path, "--out", out, "--quiet", "--backend", args.backend]
    if args.seed is not None:
        cmd += ["--seed", str(args.seed)]
    if args.threads is not None:
        cmd += ["--threads", str(args.threads)]
    progress(f"{label}: engram run {path}")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"plot_plasticity: engram failed on {path} (exit {r.returncode}):\n{r.stderr.strip()}")
    return out


def rule_variable(out, variable, projection):
    """A weights recorder of a rule variable: values (times x synapses), times (ms), pre index."""
    base = os.path.join(out, f"{variable}_{projection}")
    return np.load(base + ".npy"), np.load(base + "_times.npy"), np.load(base + "_pre.npy")


def save_figure(fig, args, name):
    fig.tight_layout()
    png = os.path.join(args.outdir, name)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    progress(f"wrote {png}")


def pairing_run(args, model, workdir, label):
    """A pairing protocol (P-STDP-2, P-CTRL-2): rho snapshots and their times."""
    out = engram_run(args, model, workdir, label)
    rho, times, _ = rule_variable(out, "rho", "plastic")
    post_spikes = len(np.load(os.path.join(out, "spikes_post.npy")))
    if post_spikes != PAIRS:
        progress(f"warning: {label}: the postsynaptic neuron fired {post_spikes} times, not {PAIRS}")
    return rho, times


def population_change(rho0, rho1, beta=BETA, b=B):
    """GB2012: U = P(DOWN -> UP), Dn = P(UP -> DOWN);
    change = [beta (1-U) + (1-beta) Dn + b (beta U + (1-beta)(1-Dn))] / (beta + (1-beta) b)."""
    down, up = rho0 == 0.0, rho0 == 1.0
    U = float(np.mean(rho1[down] > 0.5))
    Dn = float(np.mean(rho1[up] < 0.5))
    change = (beta * (1 - U) + (1 - beta) * Dn + b * (beta * U + (1 - beta) * (1 - Dn))) / (beta + (1 - beta) * b)
    return change, U, Dn, int(down.sum()), int(up.sum())


def stdp_figure(args, base, workdir):
    deltas = sorted(DOSSIER_DP)
    sim = []
    print("P-STDP-2 DP: dt_pair (ms), simulated change, dossier, difference, U, Dn")
    for delta in deltas:
        m = copy.deepcopy(base)
        dt = m["run"]["dt"]
        set_pairing(m, delta, dt)
        end = 1000.0 + PAIRS * 1000.0 / F_HZ
        m["run"]["duration"] = end
        m["recorders"] = [{"type": "spikes", "population": "post"},
                          {"type": "weights", "projection": "plastic", "variable": "rho", "times": [0, end]}]
        rho, _ = pairing_run(args, m, workdir, f"stdp_dt{delta:+d}ms".replace("+", "p").replace("-", "m"))
        change, U, Dn, n_down, n_up = population_change(rho[0], rho[-1])
        sim.append(change)
        print(f"  {delta:+5d}  {change:.3f}  {DOSSIER_DP[delta]:.3f}  {change - DOSSIER_DP[delta]:+.3f}  "
              f"U {U:.3f} ({n_down} DOWN)  Dn {Dn:.3f} ({n_up} UP)")
    x = np.array(deltas, float)
    ref = np.array([DOSSIER_DP[d] for d in deltas])
    sim = np.array(sim)

    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax.axvline(0.0, color="0.6", lw=0.8, ls=":")
    ax.fill_between(x, ref - TOLERANCE, ref + TOLERANCE, color="#3b6fb6", alpha=0.18, lw=0,
                    label=f"dossier ± {TOLERANCE} (stochastic tolerance)")
    ax.plot(x, ref, "-", color="#3b6fb6", lw=1.6, label="dossier, analytic reduction (GB2012 method)")
    n_syn = f"{rho.shape[1]:,}".replace(",", "\u2009")
    ax.plot(x, sim, "o", color="#e67e22", ms=6, mec="k", mew=0.6,
            label=f"engram, stochastic simulation ({n_syn} synapses)")
    ax.set_xlabel("Δt = t_post − t_pre (ms)")
    ax.set_ylabel("population change in synaptic strength\n(after / before)")
    ax.set_xlim(-105, 105)
    ax.set_title("P-STDP-2: Graupner & Brunel 2012 Fig. 2, DP set\n60 pre–post pairs at 1 Hz, β = 0.5, b = 5",
                 fontsize=11)
    ax.legend(loc="upper left", fontsize=8.5, framealpha=0.9)
    ax.grid(alpha=0.25)
    save_figure(fig, args, "img_plasticity_stdp_dp.png")


def ctrl2_model(base, mutant, n_tau):
    """P-CTRL-2: the +10 ms protocol (all synapses DOWN) followed for n_tau time constants of rho,
    wild type or T286A-like mutant (camkii_autophosphorylation = 0); rho recorded every CTRL_EVERY."""
    stim_end = 1000.0 + PAIRS * 1000.0 / F_HZ
    m = copy.deepcopy(base)
    m["run"]["dt"] = CTRL_DT
    for p in m["projections"]:
        p["delay"] = CTRL_DT
    set_pairing(m, 10.0, CTRL_DT)
    pl = plastic(m)["plasticity"]
    pl["params"] = dict(pl.get("params", {}), beta=1.0, drift_dt=10.0, camkii_autophosphorylation=0.0 if mutant else 1.0)
    duration = stim_end + n_tau * TAU_MS
    times = sorted(set(np.arange(0.0, duration + 1e-9, CTRL_EVERY).tolist()) | {stim_end, duration})
    m["run"]["duration"] = duration
    m["recorders"] = [{"type": "spikes", "population": "post"},
                      {"type": "weights", "projection": "plastic", "variable": "rho", "times": times}]
    return m


def write_protocols(base):
    """Writes the variants the figures run as ready-to-run files into models/protocols/."""
    slfs = [1150.0 * k + 50.0 * b for k in range(900) for b in range(3)]
    m6 = m6_base()
    variants = {
        "P-CTRL-2_graupner_brunel_T286A_mutant": (ctrl2_model(base, True, 5.0),
            "P-CTRL-2 (science dossier protocols.md; Giese et al. 1998): the P-STDP-2 pairing protocol "
            "(+10 ms, 60 pairs at 1 Hz, all synapses DOWN) with a T286A-like CaMKII "
            "(camkii_autophosphorylation = 0), followed for 5 time constants of rho: rho returns below "
            "0.007 (the wild type, camkii_autophosphorylation = 1, keeps 72% of the switched synapses "
            "above 0.9 after 10 tau). rho_plastic.npy holds rho every 10 s. Test: "
            "Protocol.P_CTRL_2_camkii_switch_and_T286A_mutant; figure: docs/img_plasticity_camkii.png."),
        "P-CTRL-3_tagging_capture_protein_synthesis_blocker": (
            m6_model(m6, stet(0.0), [], BLOCKER),
            "P-CTRL-3 (Nguyen, Abel & Kandel 1994): strong tetanus (3 x 100 pulses at 100 Hz, 10 min apart) "
            "on S1 (presynaptic neuron 0) 20 min into the run, with a protein-synthesis blocker from 15 min "
            "before to 3 h after it: early LTP as without the drug, no late LTP (w(6 h) - w0 below 25% of "
            "its 1 h value). w = h + h0 z, h0 = 4.20075 mV; h_synapse.npy and z_synapse.npy every 5 min. "
            "Test: Protocol.P_CTRL_3_protein_synthesis_blocker; figure: docs/img_plasticity_ltp.png."),
        "P-TAG_tagging_capture_weak_then_strong": (
            m6_model(m6, stet(30 * MINUTE), wtet(0.0)),
            "P-TAG T4b (Frey & Morris 1997): a weak tetanus (21 pulses at 100 Hz) on S2 (presynaptic "
            "neuron 1) 20 min into the run, a strong tetanus on S1 30 min later: S2's tag captures "
            "proteins made for S1, z(S2) = 0.175 at 8 h (0.017 with the strong tetanus 60 min later, 0 "
            "at 75 min). Test: Protocol.P_TAG_tagging_and_capture; figure: docs/img_plasticity_tagging.png."),
        "P-LTD-2_tagging_capture_strong_lfs": (
            m6_model(m6, slfs, []),
            "P-LTD-2 (Sajikumar et al. 2005 as modelled by Luboeinski & Tetzlaff): strong low-frequency "
            "stimulation (900 bursts of 3 pulses at 20 Hz, one burst every 1.15 s) on S1 20 min into the "
            "run: late LTD, z < -0.1 and w at least 10% below baseline at 8 h. Test: "
            "Protocol.P_LTD_2_weak_and_strong_lfs; figure: docs/img_plasticity_lfs.png."),
    }
    for name, (model, description) in variants.items():
        model["name"] = name
        model["description"] = description
        path = os.path.join(REPO, "models", "protocols", name + ".json")
        with open(path, "w") as f:
            json.dump(model, f, indent=1)
            f.write("\n")
        progress(f"wrote {path}")


def camkii_figure(args, base, workdir):
    stim_end = 1000.0 + PAIRS * 1000.0 / F_HZ
    curves = {}
    print("P-CTRL-2: mean rho / fraction > 0.5 at the end of the protocol (61 s) and at the end of the run")
    for mutant in (False, True):
        n_tau = args.mutant_taus if mutant else args.wt_taus
        m = ctrl2_model(base, mutant, n_tau)
        label = "ctrl_T286A" if mutant else "ctrl_wild_type"
        rho, t = pairing_run(args, m, workdir, label)
        mean, frac = rho.mean(axis=1), (rho > 0.5).mean(axis=1)
        curves[mutant] = (t, mean, frac, n_tau)
        i_end = int(np.argmin(np.abs(t - stim_end)))
        switched = rho[i_end] > 0.5
        held = float(np.mean(rho[-1][switched] > 0.9)) if switched.any() else float("nan")
        name = "T286A-like mutant" if mutant else "wild type"
        print(f"  {name}: protocol end mean rho {mean[i_end]:.3f}, > 0.5 {frac[i_end]:.3f}; "
              f"{n_tau:g} tau later (t = {t[-1] / 1000:.0f} s) mean rho {mean[-1]:.4f}, max {rho[-1].max():.4f}, "
              f"> 0.5 {frac[-1]:.3f}; switched synapses above 0.9: {held:.3f}; lasting change {1 + (B - 1) * mean[-1]:.4f}")

    fig, (ax_m, ax_f) = plt.subplots(1, 2, figsize=(11, 4.4), sharex=True)
    style = {False: ("#3b6fb6", "wild type (autophosphorylation)"),
             True: ("#c0392b", "T286A-like mutant (no autophosphorylation)")}
    for mutant, (t, mean, frac, n_tau) in curves.items():
        color, label = style[mutant]
        ax_m.plot(t / 60000.0, mean, "o-", ms=3, color=color, label=label)
        ax_f.plot(t / 60000.0, frac, "o-", ms=3, color=color, label=label)
    for ax in (ax_m, ax_f):
        ax.axvspan(1000.0 / 60000.0, stim_end / 60000.0, color="#f1c40f", alpha=0.3, lw=0,
                   label="pairing protocol: 60 pairs at 1 Hz, Δt = +10 ms")
        ax.axvline(stim_end / 60000.0, color="0.3", lw=0.9, ls="--",
                   label=f"end of the protocol ({stim_end / 1000:.0f} s)")
        ax.set_xlabel("time (min)")
        ax.set_ylim(-0.03, 1.03)
        ax.grid(alpha=0.25)
    ax_m.set_ylabel("mean ρ (CaMKII / efficacy variable)")
    ax_f.set_ylabel("fraction of synapses with ρ > 0.5 (UP)")
    ax_m.set_title("mean ρ of 2 000 synapses, all starting DOWN", fontsize=10)
    ax_f.set_title("synapses in the UP state", fontsize=10)
    ax_f.legend(loc="upper right", fontsize=8.5, framealpha=0.9)
    fig.suptitle(f"P-CTRL-2: the CaMKII switch holds the memory (DP set, τ = {TAU_MS / 1000:.0f} s; "
                 f"snapshots every {CTRL_EVERY / 1000:.0f} s)", fontsize=11)
    save_figure(fig, args, "img_plasticity_camkii.png")


# ---------------------------------------------------------------------------------------------
# P-LTD-1: frequency response of the Shouval, Bear & Cooper (2002) rule

LTD_FREQS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 50]  # Hz
LTD_PULSES = 900
LTD_TRACE_FREQS = (1, 3, 5, 10, 50)  # Hz, W/W0 pulse by pulse in the right panel
# Science dossier (protocols.md, P-LTD-1): independent re-computation on M3.1 + M4.1, EPSP 10 mV.
DOSSIER_LTD = {1: 0.511, 3: 0.348, 10: 3.83, 50: 3.85}
DOSSIER_CROSSOVER_HZ = 5.2
CROSSOVER_TOLERANCE = 0.10  # dossier: the crossover frequency within +-10%
BISECTION_WIDTH_HZ = 0.02   # stop the crossover bisection when the bracket is this narrow


def ltd_run(args, base, workdir, f_hz, trace):
    """900 pulses at f_hz (on the dt grid, as in the test) onto the plastic projection 'synapse';
    returns (W/W0 at the end of the train, W/W0 just before each pulse if trace)."""
    m = copy.deepcopy(base)
    dt = m["run"]["dt"]
    pre = [round(1000.0 + round(k * 1000.0 / f_hz / dt) * dt, 6) for k in range(LTD_PULSES)]
    next(p for p in m["populations"] if p["name"] == "pre")["spike_times"] = [pre]
    end = round(pre[-1] + 100.0, 6)
    m["run"]["duration"] = end
    times = [0.0] + ([round(t - dt, 6) for t in pre[1:]] if trace else []) + [end]
    m["recorders"] = [{"type": "weights", "projection": "synapse", "variable": "w", "times": times}]
    out = engram_run(args, m, workdir, f"ltd_{f_hz:.4f}Hz".replace(".", "p"))
    w, _, _ = rule_variable(out, "w", "synapse")
    ratio = w[:, 0] / w[0, 0]
    return float(ratio[-1]), (ratio[:-1] if trace else None)


def ltd_figure(args, workdir):
    with open(LTD_PROTOCOL) as f:
        base = json.load(f)
    base["recorders"] = []
    results, traces = {}, {}
    print("P-LTD-1 Shouval: f (Hz), W/W0 at the end of 900 pulses, dossier")
    for f_hz in LTD_FREQS:
        results[f_hz], tr = ltd_run(args, base, workdir, f_hz, trace=f_hz in LTD_TRACE_FREQS)
        if tr is not None:
            traces[f_hz] = tr
        ref = f"{DOSSIER_LTD[f_hz]:.3f}" if f_hz in DOSSIER_LTD else "-"
        print(f"  {f_hz:5g}  {results[f_hz]:.4f}  {ref}")
    i = next(i for i, f in enumerate(LTD_FREQS) if results[f] > 1.0)  # first frequency with LTP
    lo, hi = LTD_FREQS[i - 1], LTD_FREQS[i]
    if not results[lo] < 1.0:
        sys.exit(f"plot_plasticity: P-LTD-1: no LTD below {hi} Hz, no crossover to bisect")
    while hi - lo > BISECTION_WIDTH_HZ:
        mid = 0.5 * (lo + hi)
        results[mid], _ = ltd_run(args, base, workdir, mid, trace=False)
        if results[mid] < 1.0:
            lo = mid
        else:
            hi = mid
    crossover = 0.5 * (lo + hi)
    print(f"  LTD -> LTP crossover {crossover:.3f} Hz, bracket [{lo:.3f}, {hi:.3f}] (dossier {DOSSIER_CROSSOVER_HZ} Hz)")

    fig, (ax, ax_p) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [1.25, 1]})
    ax.axhline(1.0, color="0.4", lw=0.9, ls=":", label="no change (W = W0)")
    ax.axvspan(DOSSIER_CROSSOVER_HZ * (1 - CROSSOVER_TOLERANCE), DOSSIER_CROSSOVER_HZ * (1 + CROSSOVER_TOLERANCE),
               color="#3b6fb6", alpha=0.15, lw=0, label=f"dossier crossover {DOSSIER_CROSSOVER_HZ} Hz ± 10%")
    ax.axvline(DOSSIER_CROSSOVER_HZ, color="#3b6fb6", lw=1.0, ls="--")
    f = np.array(LTD_FREQS, float)
    ax.plot(f, [results[x] for x in LTD_FREQS], "o-", color="#e67e22", ms=6, mec="k", mew=0.6, lw=1.4,
            label="engram, W/W0 at the end of 900 pulses")
    ax.plot(list(DOSSIER_LTD), list(DOSSIER_LTD.values()), "s", color="#3b6fb6", ms=9, mfc="none", mew=1.6,
            label="dossier (independent re-computation)")
    ax.plot([crossover], [1.0], "D", color="#c0392b", ms=7, mec="k", mew=0.6, zorder=5,
            label=f"engram crossover {crossover:.2f} Hz (bisection)")
    ax.set_xscale("log")
    ax.set_xticks(LTD_FREQS)
    ax.set_xticklabels([f"{x:g}" for x in LTD_FREQS])
    ax.minorticks_off()
    ax.set_xlabel("stimulation frequency (Hz)")
    ax.set_ylabel("W / W0 after 900 presynaptic pulses")
    ax.set_ylim(0, 4.4)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper left", fontsize=8.5, framealpha=0.9)
    ax.set_title("frequency response (BCM shape)", fontsize=10)

    colors = ["#1b4f72", "#5dade2", "#27ae60", "#e67e22", "#c0392b"]
    for color, f_hz in zip(colors, LTD_TRACE_FREQS):
        tr = traces[f_hz]  # tr[k]: after k pulses, one step before pulse k + 1
        ax_p.plot(np.arange(1, len(tr)), tr[1:], color=color, lw=1.6, label=f"{f_hz:g} Hz")
    ax_p.axhline(1.0, color="0.4", lw=0.9, ls=":")
    ax_p.set_xscale("log")
    ax_p.set_xlabel("presynaptic pulses delivered")
    ax_p.set_ylabel("W / W0")
    ax_p.set_xlim(1, LTD_PULSES)
    ax_p.set_xticks([1, 3, 10, 30, 100, 300, 900])
    ax_p.set_xticklabels(["1", "3", "10", "30", "100", "300", "900"])
    ax_p.set_ylim(0, 4.4)
    ax_p.grid(alpha=0.25)
    ax_p.legend(loc="center right", fontsize=8.5, framealpha=0.9, title="frequency", title_fontsize=8.5)
    ax_p.set_title("W / W0 during the train (just before each pulse)", fontsize=10)
    fig.suptitle("P-LTD-1: Shouval, Bear & Cooper 2002 calcium rule, 900 pulses, presynaptic stimulation only, "
                 "EPSP 10 mV\n(W0 = 0.25; W is bounded by 1 = 4 W0)", fontsize=11)
    save_figure(fig, args, "img_plasticity_ltd_frequency.png")


# ---------------------------------------------------------------------------------------------
# P-LTP-1, P-CTRL-3, P-TAG: the tagging_capture rule (M6), two pathways S1, S2 onto one neuron

MINUTE, HOUR = 60e3, 3600e3  # ms
H0 = 4.20075                 # mV, baseline early-phase weight of M6 (w = h + h0 z)
T_STIM = 20 * MINUTE         # first stimulus of every M6 run (the blocker starts 15 min before STET)
M6_DURATION = T_STIM + 8 * HOUR
M6_EVERY = 5 * MINUTE        # h and z snapshot interval
# Science dossier (protocols.md): independent re-computation, w/w0 - 1 at 10 min, 3 h, 8 h.
DOSSIER_ONE_TRAIN = {10 * MINUTE: 0.836, 3 * HOUR: 0.820, 8 * HOUR: 0.647}
DOSSIER_WTET = {10 * MINUTE: 0.342, 3 * HOUR: 0.078, 8 * HOUR: 0.006}
DOSSIER_STET_RATIO = 0.79     # w(8 h) - w0 over w(1 h) - w0
DOSSIER_CTRL3 = {30 * MINUTE: 0.949, 45 * MINUTE: 0.898, 60 * MINUTE: 0.844}  # w(drug) / w(control)
BLOCKER = (-15 * MINUTE, 3 * HOUR)  # relative to STET
DOSSIER_T4B = {30: 0.175, 60: 0.017, 75: 0.0}  # STET delay (min) -> z(S2) at 8 h


def train(t, n):
    """n pulses at 100 Hz from t (ms)."""
    return [t + 10.0 * k for k in range(n)]


def wtet(t):
    return train(t, 21)


def stet(t):
    return [x for k in range(3) for x in train(t + k * 10 * MINUTE, 100)]


class M6Run:
    """h, z (mV, 1) of S1 (index 0) and S2 (index 1) every M6_EVERY; time t in ms since T_STIM."""

    def __init__(self, h, z, times):
        self.h, self.z, self.t = h, z, times - T_STIM

    def at(self, t_ms):
        i = int(np.argmin(np.abs(self.t - t_ms)))
        if abs(self.t[i] - t_ms) > 1e-6:
            raise ValueError(f"no snapshot at {t_ms} ms")
        return i

    def change(self, s, t_ms=None):
        """w/w0 - 1 of pathway s (all snapshots, or at t_ms)."""
        c = (self.h[:, s] + H0 * self.z[:, s]) / H0 - 1.0
        return c if t_ms is None else float(c[self.at(t_ms)])


def m6_model(base, s1, s2, blocker=None):
    """The two-pathway tagging model: spike times (ms since T_STIM) of S1 and S2; blocker:
    (start, stop) ms since T_STIM; h and z of both synapses recorded every M6_EVERY."""
    m = copy.deepcopy(base)
    pre = next(p for p in m["populations"] if p["name"] == "pre")
    pre["size"] = 2
    pre["spike_times"] = [[round(T_STIM + t, 6) for t in s1], [round(T_STIM + t, 6) for t in s2]]
    m["run"]["duration"] = M6_DURATION
    proj = next(p for p in m["projections"] if p["name"] == "synapse")
    if blocker is not None:
        pl = proj["plasticity"]
        pl["params"] = dict(pl.get("params", {}), blocker_start=T_STIM + blocker[0], blocker_stop=T_STIM + blocker[1])
    times = [k * M6_EVERY for k in range(int(round(M6_DURATION / M6_EVERY)) + 1)]
    m["recorders"] = [{"type": "weights", "projection": "synapse", "variable": v, "times": times} for v in ("h", "z")]
    return m


def m6_run(args, base, workdir, label, s1, s2, blocker=None):
    """Spike times (ms since T_STIM) of S1 and S2; blocker: (start, stop) ms since T_STIM."""
    out = engram_run(args, m6_model(base, s1, s2, blocker), workdir, label)
    h, t, pre_h = rule_variable(out, "h", "synapse")
    z, _, pre_z = rule_variable(out, "z", "synapse")
    order = np.argsort(pre_h)  # columns: S1, S2
    assert list(pre_h[order]) == [0, 1] and list(pre_z[order]) == [0, 1]
    return M6Run(h[:, order], z[:, order], t)


def m6_base():
    with open(LTP_PROTOCOL) as f:
        return json.load(f)


def stim_ticks(ax, starts, color, y, label=None):
    """Short vertical bars at the stimulus times (h), at axes fraction y."""
    tr = ax.get_xaxis_transform()
    for i, t in enumerate(starts):
        ax.plot([t / HOUR] * 2, [y, y + 0.05], color=color, lw=2.5, transform=tr, solid_capstyle="butt",
                label=label if i == 0 else None, clip_on=False)


def ltp_figure(args, workdir):
    base = m6_base()
    runs = {
        "wtet": m6_run(args, base, workdir, "ltp_wtet", wtet(0.0), []),
        "one": m6_run(args, base, workdir, "ltp_one_train", train(0.0, 100), []),
        "stet": m6_run(args, base, workdir, "ltp_stet", stet(0.0), []),
        "drug": m6_run(args, base, workdir, "ltp_stet_blocker", stet(0.0), [], blocker=BLOCKER),
    }
    print("P-LTP-1: w/w0 - 1 of the stimulated pathway (engram / dossier)")
    for key, name, ref in (("one", "one 100-pulse train", DOSSIER_ONE_TRAIN), ("wtet", "WTET (21 pulses)", DOSSIER_WTET)):
        r = runs[key]
        vals = ", ".join(f"{r.change(0, t):.4f} / {v:.3f} at {t / MINUTE:.0f} min" for t, v in ref.items())
        print(f"  {name}: {vals}; 1 h {r.change(0, HOUR):.4f}; z at 8 h {r.z[r.at(8 * HOUR), 0]:.4f}")
    stet_r, drug = runs["stet"], runs["drug"]
    print(f"  STET: w(8 h)/w(1 h) (changes) = {stet_r.change(0, 8 * HOUR) / stet_r.change(0, HOUR):.3f} "
          f"(dossier ~{DOSSIER_STET_RATIO}); 1 h {stet_r.change(0, HOUR):.4f}, 8 h {stet_r.change(0, 8 * HOUR):.4f}; "
          f"unstimulated S2 at 8 h {stet_r.change(1, 8 * HOUR):+.2e} (P-TAG T5)")
    print("P-CTRL-3: w(drug)/w(control) (engram / dossier)")
    for t, v in DOSSIER_CTRL3.items():
        q = (1 + drug.change(0, t)) / (1 + stet_r.change(0, t))
        print(f"  {t / MINUTE:.0f} min: {q:.4f} / {v:.3f}")
    print(f"  6 h / 1 h: control {stet_r.change(0, 6 * HOUR) / stet_r.change(0, HOUR):.3f}, "
          f"drug {drug.change(0, 6 * HOUR) / drug.change(0, HOUR):.3f}; "
          f"h identical with and without the blocker: {bool(np.array_equal(drug.h[:, 0], stet_r.h[:, 0]))}")

    fig, (ax, ax_s) = plt.subplots(1, 2, figsize=(13, 5.0), gridspec_kw={"width_ratios": [1.35, 1]})
    style = {"wtet": ("#7f8c8d", "WTET: 21 pulses at 100 Hz (E-LTP only)"),
             "one": ("#e67e22", "one train: 100 pulses at 100 Hz"),
             "stet": ("#3b6fb6", "STET: 3 trains, 10 min apart"),
             "drug": ("#c0392b", "STET + protein-synthesis blocker (P-CTRL-3)")}
    for ax_ in (ax, ax_s):
        ax_.axvspan(BLOCKER[0] / HOUR, BLOCKER[1] / HOUR, color="#c0392b", alpha=0.08, lw=0,
                    label="blocker (α = 0) of the P-CTRL-3 run, −15 min … +3 h")
        ax_.axhline(0.0, color="0.4", lw=0.8, ls=":")
    for key, (color, label) in style.items():
        r = runs[key]
        ax.plot(r.t / HOUR, r.change(0), "-", color=color, lw=1.7, label=label)
    for key, ref in (("one", DOSSIER_ONE_TRAIN), ("wtet", DOSSIER_WTET)):
        ax.plot([t / HOUR for t in ref], list(ref.values()), "s", ms=8, mfc="none", mew=1.5,
                color=style[key][0], label=None)
    ax.plot([], [], "s", ms=8, mfc="none", mew=1.5, color="0.3", label="dossier (10 min, 3 h, 8 h)")
    stim_ticks(ax, [0.0, 10 * MINUTE, 20 * MINUTE], "0.2", 0.93,
               label="trains at 0, 10, 20 min (STET); WTET, one train: the first")
    ax.set_xlabel("time since the first train (h)")
    ax.set_ylabel("w / w0 − 1 of the stimulated synapse")
    ax.set_xlim(T_STIM / -HOUR, 8.2)
    ax.set_ylim(-0.05, 1.8)
    ax.grid(alpha=0.25)
    ax.legend(loc="upper right", fontsize=8.3, framealpha=0.92)
    ax.set_title("P-LTP-1 and P-CTRL-3: w = h + h0 z", fontsize=10)

    sec = lambda ax_: ax_.secondary_yaxis("right", functions=(lambda y: y / H0, lambda y: y * H0))  # noqa: E731
    for r, ls, suffix in ((stet_r, "-", "STET"), (drug, "--", "STET + blocker")):
        ax_s.plot(r.t / HOUR, r.h[:, 0] - H0, ls, color="#27ae60", lw=1.7 if ls == "-" else 2.2,
                  label=f"early phase h − h0, {suffix}" + (" (identical)" if r is drug else ""))
        ax_s.plot(r.t / HOUR, H0 * r.z[:, 0], ls, color="#8e44ad", lw=1.7, label=f"late phase h0 z, {suffix}")
    ax_s.plot(stet_r.t / HOUR, H0 * stet_r.change(0), "-", color="0.2", lw=1.0, alpha=0.6, label="total w − w0, STET")
    stim_ticks(ax_s, [0.0, 10 * MINUTE, 20 * MINUTE], "0.2", 0.93)
    ax_s.set_xlabel("time since the first train (h)")
    ax_s.set_ylabel("mV (h0 = 4.20 mV)")
    sec(ax_s).set_ylabel("relative to w0")
    ax_s.set_xlim(T_STIM / -HOUR, 8.2)
    ax_s.set_ylim(-0.2, 7.9)
    ax_s.grid(alpha=0.25)
    ax_s.legend(loc="upper right", fontsize=8.0, framealpha=0.92)
    ax_s.set_title("STET: protein-free E-LTP (h) and protein-dependent L-LTP (z)", fontsize=10)
    fig.suptitle(f"M6 tagging & capture rule (Li et al. 2016, Luboeinski & Tetzlaff 2021), one synapse, "
                 f"presynaptic stimulation only; snapshots every {M6_EVERY / MINUTE:.0f} min", fontsize=11)
    save_figure(fig, args, "img_plasticity_ltp.png")


def tagging_figure(args, workdir):
    base = m6_base()
    cases = [("T1", "T1: WTET on S2 alone", [], wtet(0.0), None),
             ("T2", "T2: STET on S1 at 0, WTET on S2 at +30 min", stet(0.0), wtet(30 * MINUTE), None)]
    for d in DOSSIER_T4B:
        cases.append((f"T4b_{d}", f"T4b: WTET on S2 at 0, STET on S1 at +{d} min", [], [], d))
    runs = {}
    for key, label, s1, s2, d in cases:
        if d is not None:
            s1, s2 = stet(d * MINUTE), wtet(0.0)
        runs[key] = m6_run(args, base, workdir, f"tag_{key}", s1, s2)
    end = 8 * HOUR
    print("P-TAG: z(S2) and w/w0 - 1 at 8 h after the first stimulus")
    t1 = runs["T1"]
    print(f"  T1: S2 w/w0 - 1 = {t1.change(1, 5 * HOUR):.4f} at 5 h, {t1.change(1, end):.4f} at 8 h; "
          f"z(S2) {t1.z[t1.at(end), 1]:.4f}")
    t2 = runs["T2"]
    w1, w2 = t2.change(0, 30 * MINUTE + HOUR), t2.change(1, 30 * MINUTE + HOUR)
    print(f"  T2: S1 {w1:.3f} -> {t2.change(0, end):.3f}, S2 {w2:.3f} -> {t2.change(1, end):.3f} "
          f"(1 h after the WTET -> 8 h); z(S2) {t2.z[t2.at(end), 1]:.5f}")
    for d, ref in DOSSIER_T4B.items():
        r = runs[f"T4b_{d}"]
        print(f"  T4b +{d} min: z(S2) {r.z[r.at(end), 1]:.4f} (dossier {ref:.3f}), S2 w/w0 - 1 {r.change(1, end):.4f}, "
              f"S1 {r.change(0, end):.3f}")

    fig, (ax_z, ax_w) = plt.subplots(1, 2, figsize=(13, 5.2))
    t4b_colors = {30: "#1f77b4", 60: "#2ca02c", 75: "#d62728"}
    style = {"T1": ("0.25", (0, (4, 3)), 3), "T2": ("#8e44ad", "-", 2)}
    style.update({f"T4b_{d}": (c, "-", 2) for d, c in t4b_colors.items()})
    for key, label, _, _, _ in cases:
        color, ls, z = style[key]
        r = runs[key]
        ax_z.plot(r.t / HOUR, r.z[:, 1], linestyle=ls, color=color, lw=1.8, label=label, zorder=z)
        ax_w.plot(r.t / HOUR, r.change(1), linestyle=ls, color=color, lw=1.8, label=label, zorder=z)
    for d, ref in DOSSIER_T4B.items():
        ax_z.plot([end / HOUR], [ref], "s", ms=9, mfc="none", mew=1.6, color=t4b_colors[d], zorder=4)
    ax_z.plot([], [], "s", ms=9, mfc="none", mew=1.6, color="0.3", label="dossier, T4b at 8 h")
    z_end = {key: r.z[r.at(end), 1] for key, r in runs.items()}
    rows = [f"T4b, STET +{d} min:  {z_end[f'T4b_{d}']:.3f}   ({ref:.3f})" for d, ref in DOSSIER_T4B.items()]
    rows += [f"T2:  {z_end['T2']:.3f}", f"T1:  {z_end['T1']:.3f}"]
    ax_z.text(0.97, 0.47, "z(S2) at 8 h, engram   (dossier)\n" + "\n".join(rows), transform=ax_z.transAxes,
              ha="right", va="center", multialignment="left", fontsize=8.5, family="monospace",
              bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95))
    for d, c in t4b_colors.items():
        stim_ticks(ax_w, [d * MINUTE + k * 10 * MINUTE for k in range(3)], c, 0.92)
    ax_w.text(1.95 / 8.5 + 0.04, 0.945, "STET trains on S1 (T4b)", transform=ax_w.transAxes, fontsize=8.5,
              va="center", color="0.2")
    ax_w.text(0.97, 0.45, "T1 (dashed) and T4b +75 min coincide:\nthe tag of S2 has decayed\nbefore the proteins arrive",
              transform=ax_w.transAxes, ha="right", va="center", fontsize=8.5, color="0.2")
    for ax_ in (ax_z, ax_w):
        ax_.axhline(0.0, color="0.4", lw=0.8, ls=":")
        ax_.set_xlabel("time since the first stimulus (h)")
        ax_.set_xlim(T_STIM / -HOUR, 8.2)
        ax_.grid(alpha=0.25)
    ax_z.set_ylabel("late phase z of S2 (= h0 z / w0)")
    ax_z.set_ylim(-0.02, 0.85)
    ax_z.set_title("late phase of the weakly tetanised pathway S2 (captured proteins)", fontsize=10)
    ax_z.legend(loc="upper right", fontsize=8.3, framealpha=0.95)
    ax_w.set_ylabel("w / w0 − 1 of S2 (w = h + h0 z)")
    ax_w.set_ylim(-0.02, max(0.85, 1.25 * max(float(r.change(1).max()) for r in runs.values())))
    ax_w.set_title("total change of S2 (early + late phase)", fontsize=10)
    fig.suptitle("P-TAG: synaptic tagging and capture (Frey & Morris 1997) in M6; pathways S1, S2 onto one neuron "
                 f"sharing its proteins; snapshots every {M6_EVERY / MINUTE:.0f} min", fontsize=11)
    save_figure(fig, args, "img_plasticity_tagging.png")


ASSOC_PROTOCOL = os.path.join(REPO, "models", "protocols", "P-ASSOC_shouval.json")


def assoc_run(args, workdir, stimulated, label):
    """P-ASSOC with the given presynaptic neurons stimulated: W/W0 of every synapse at the end."""
    with open(ASSOC_PROTOCOL) as f:
        model = json.load(f)
    pre = next(p for p in model["populations"] if p["name"] == "pre")
    volleys = pre["spike_times"][0]
    pre["spike_times"] = [volleys if i in stimulated else [] for i in range(pre["size"])]
    model["recorders"] = [r for r in model["recorders"] if r["type"] == "weights"]
    out = engram_run(args, model, workdir, label)
    w, _, _ = rule_variable(out, "w", "syn")
    return w[-1] / 0.25


def assoc_figure(args, workdir):
    ks = [1, 2, 5, 10, 15, 20, 50, 100]
    coop, unstim = [], []
    for k in ks:
        r = assoc_run(args, workdir, set(range(k)), f"assoc_k{k}")
        coop.append(float(np.mean(r[:k])))
        unstim.append(float(np.max(np.abs(r[k:] - 1.0))) if k < len(r) else 0.0)
        progress(f"P-ASSOC k = {k:3d}: W/W0 {coop[-1]:.3f}; unstimulated synapses within {unstim[-1]:.1e} of 1")
    weak = assoc_run(args, workdir, set(range(100, 105)), "assoc_weak")
    paired = assoc_run(args, workdir, set(range(105)), "assoc_paired")
    progress(f"P-ASSOC S_weak alone {np.mean(weak[100:]):.3f}, paired {np.mean(paired[100:]):.3f} "
             f"(S_strong {np.mean(paired[:100]):.3f})")
    fig, (ax_k, ax_a) = plt.subplots(1, 2, figsize=(11, 4))
    ax_k.semilogx(ks, coop, "o-", color="C0", label="stimulated synapses")
    ax_k.axhline(1.0, color="grey", lw=0.8)
    ax_k.set_xlabel("co-active synapses k (100 volleys at 8 Hz)")
    ax_k.set_ylabel("W / W0 at the end")
    ax_k.set_title("cooperativity (unstimulated synapses: W/W0 = 1 exactly)", fontsize=10)
    ax_k.legend(fontsize=8)
    bars = [np.mean(weak[100:]), np.mean(paired[100:]), np.mean(paired[:100])]
    ax_a.bar(["S_weak alone", "S_weak paired\nwith S_strong", "S_strong\n(paired)"], bars, color=["C1", "C2", "C0"])
    ax_a.axhline(1.0, color="grey", lw=0.8)
    ax_a.set_ylabel("W / W0 at the end")
    ax_a.set_title("associativity", fontsize=10)
    fig.suptitle("P-ASSOC: Shouval rule on one lif_cond_nmda neuron (S_strong 100 synapses, S_weak 5)", fontsize=11)
    save_figure(fig, args, "img_plasticity_assoc.png")


def lfs_figure(args, workdir):
    """P-LTD-2: weak and strong low-frequency stimulation of S1 (S2 silent), as the test."""
    rng = np.random.default_rng(1)
    wlfs, t = [], 0.0
    while len(wlfs) < 900:  # Poisson 1 Hz on the 1 ms grid (the test uses its own generator)
        t += max(1.0, round(-1000.0 * np.log(rng.random())))
        wlfs.append(t)
    slfs = [1150.0 * k + 50.0 * b for k in range(900) for b in range(3)]
    base = m6_base()
    fig, (ax_w, ax_z) = plt.subplots(1, 2, figsize=(11, 4))
    for label, spikes, colour in (("weak LFS (900 Poisson pulses, 1 Hz)", wlfs, "C1"),
                                  ("strong LFS (900 bursts of 3 at 20 Hz)", slfs, "C3")):
        r = m6_run(args, base, workdir, "lfs_" + label.split()[0], spikes, [])
        hours = r.t / HOUR
        progress(f"P-LTD-2 {label}: w/w0 - 1 = {r.change(0, HOUR):+.4f} at 1 h, {r.change(0, 8 * HOUR):+.4f} at 8 h; "
                 f"z = {r.z[-1, 0]:+.4f}")
        ax_w.plot(hours, r.change(0), color=colour, label=label)
        ax_z.plot(hours, r.z[:, 0], color=colour, label=label)
    for ax in (ax_w, ax_z):
        ax.axhline(0.0, color="grey", lw=0.8)
        ax.set_xlabel("time after the start of LFS (h)")
        ax.set_xlim(-T_STIM / HOUR, 8)
        ax.legend(fontsize=8)
    ax_w.set_ylabel("w / w0 - 1")
    ax_w.set_title("total change (early + late)", fontsize=10)
    ax_z.set_ylabel("late phase z")
    ax_z.set_title("late phase: only strong LFS consolidates", fontsize=10)
    fig.suptitle("P-LTD-2: weak vs strong low-frequency stimulation (tagging_capture, M6)", fontsize=11)
    save_figure(fig, args, "img_plasticity_lfs.png")


def rate_figure(args, base, workdir):
    """P-STDP-3: rate dependence of pairing, cortical-slices set, through the backend."""
    freqs = [0.1, 1, 5, 10, 20, 30, 40, 50]
    derived = {+10: [1.061, 1.061, 1.062, 1.083, 1.253, 1.192, 1.553, 1.637],
               -10: [0.691, 0.691, 0.690, 0.621, 0.635, 1.186, 1.585, 1.637]}
    data = {+10: ([0.1, 10, 20, 40, 50], [0.96, 1.14, 1.29, 1.53, 1.56], [0.05, 0.10, 0.14, 0.11, 0.26]),
            -10: ([0.1, 10, 20, 40, 50], [0.71, 0.59, 0.66, 1.56, 1.75], [0.08, 0.11, 0.10, 0.32, 0.19])}
    beta, b = 0.5, 5.40988
    fig, ax = plt.subplots(figsize=(8, 4.6))
    for delta, colour in ((+10, "C3"), (-10, "C0")):
        sim = []
        for f_hz in freqs:
            m = copy.deepcopy(base)
            dt = m["run"]["dt"]
            pre = [round(1000.0 + round(k * 1000.0 / f_hz / dt) * dt, 6) for k in range(75)]
            next(p for p in m["populations"] if p["name"] == "pre")["spike_times"] = [pre]
            next(p for p in m["populations"] if p["name"] == "driver")["spike_times"] = [[round(t + delta - dt, 6) for t in pre]]
            end = round(max(pre[-1], pre[-1] + delta) + 1000.0, 6)
            m["run"]["duration"] = end
            pr = next(p for p in m["projections"] if p["name"] == "plastic")
            pr["plasticity"] = {"rule": "graupner_brunel", "set": "cortical slices"}
            m["recorders"] = [{"type": "weights", "projection": "plastic", "variable": "rho", "times": [0, end]}]
            out = engram_run(args, m, workdir, f"rate_{delta:+d}_{f_hz:g}".replace("+", "p").replace("-", "m").replace(".", "p"))
            rho, _, _ = rule_variable(out, "rho", "plastic")
            change = population_change(rho[0], rho[-1], beta, b)[0]
            sim.append(change)
            progress(f"P-STDP-3 dt {delta:+d} ms, {f_hz:g} Hz: change {change:.3f} (dossier, analytic {derived[delta][freqs.index(f_hz)]:.3f})")
        ax.plot(freqs, derived[delta], "-", color=colour, lw=1.2, alpha=0.6, label=f"dossier analytic, {delta:+d} ms")
        ax.plot(freqs, sim, "o", color=colour, mec="k", mew=0.5, label=f"engram, stochastic ({delta:+d} ms)")
        fx, fy, fe = data[delta]
        ax.errorbar(fx, fy, yerr=fe, fmt="s", color=colour, mfc="white", capsize=3, label=f"Sjöström 2001 ({delta:+d} ms)")
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xlabel("pairing frequency (Hz)")
    ax.set_ylabel("population change in synaptic strength")
    ax.set_title("P-STDP-3: GB2012 cortical-slices set, 75 pairs (at 0.1 Hz, -10 ms a full simulation gives 0.79, "
                 "not the reduction's 0.69)", fontsize=9)
    ax.legend(fontsize=7, ncol=2)
    save_figure(fig, args, "img_plasticity_rate.png")


def meta_figure(args, workdir):
    """P-META-1 through the backend: the NMDA/AMPA ratio lowers the frequency of LTP onset."""
    with open(PROTOCOL) as f:
        base = json.load(f)
    tau_ca, c_pre = 22.6936, 0.5617539  # cortical slices (M4.2)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for kappa, colour in ((1.0, "C0"), (1.5, "C1"), (2.0, "C2")):
        freqs, rhos = [], []
        for f_hz in np.arange(10.0, 101.0, 5.0):
            period = round(1000.0 / f_hz, 1)
            m = copy.deepcopy(base)
            next(p for p in m["populations"] if p["name"] == "pre")["spike_times"] = [
                [round(1000.0 + k * period, 6) for k in range(100)]]
            next(p for p in m["populations"] if p["name"] == "driver")["spike_times"] = [[]]
            m["run"]["duration"] = round(1000.0 + 100 * period + 100.0, 6)
            pr = next(p for p in m["projections"] if p["name"] == "plastic")
            pr["connector"]["n"] = 10
            pr["weight"] = 0.5
            pr["plasticity"] = {"rule": "graupner_brunel", "set": "cortical slices",
                                "params": {"kappa_NMDA": kappa, "beta": 1.0, "sigma": 0.0}}
            m["recorders"] = [{"type": "weights", "projection": "plastic", "variable": "rho",
                               "times": [0.0, m["run"]["duration"]]}]
            out = engram_run(args, m, workdir, f"meta_k{kappa:g}_f{f_hz:g}".replace(".", "p"))
            rho, _, _ = rule_variable(out, "rho", "plastic")
            freqs.append(1000.0 / period)
            rhos.append(float(rho[-1].mean()))
        ax.plot(freqs, rhos, "o-", color=colour, ms=4, label=f"kappa_NMDA = {kappa:g}")
        for theta, style in ((1.0, ":"), (1.3, "--")):
            c = c_pre * kappa
            if c < theta:
                f_star = -1000.0 / (tau_ca * np.log(1.0 - c / theta))
                ax.axvline(f_star, color=colour, ls=style, lw=1)
                progress(f"P-META-1 kappa {kappa:g}: analytic onset for theta {theta:g}: {f_star:.1f} Hz")
    ax.set_xlabel("presynaptic frequency (Hz), 100 pulses, no postsynaptic spikes")
    ax.set_ylabel("mean rho at the end (all start DOWN)")
    ax.set_title("P-META-1: the NMDA/AMPA ratio lowers the LTP onset (dotted: calcium reaches theta_d, "
                 "dashed: theta_p)", fontsize=9)
    ax.legend(fontsize=8)
    save_figure(fig, args, "img_plasticity_meta.png")


def gb_block_run(args, workdir, kappa, lfs, duration_ms, label):
    """P-CTRL-1 on the reduced model: mean efficacy / start (snapshots of rho every minute)."""
    with open(GB_BLOCK_PROTOCOL) as f:
        m = json.load(f)
    plastic_rule = m["projections"][0]["plasticity"]
    plastic_rule["params"]["kappa_NMDA"] = kappa
    if lfs:
        m["populations"][0]["spike_times"] = [[1000.0 + 1000.0 * k for k in range(900)]]
    m["run"]["duration"] = duration_ms
    m["recorders"] = [{"type": "weights", "projection": "plastic", "variable": "rho",
                       "times": [float(t) for t in np.arange(0.0, duration_ms + 1.0, 60000.0)]}]
    out = engram_run(args, m, workdir, label)
    rho, times, _ = rule_variable(out, "rho", "plastic")
    b = 5.28145  # hippocampal slices
    eff = (1.0 + (b - 1.0) * rho).mean(axis=1)
    return times / 60000.0, eff / eff[0]


def nmda_block_figure(args, workdir):
    with open(LTD_PROTOCOL) as f:
        base = json.load(f)
    fig, (ax, ax_gb) = plt.subplots(1, 2, figsize=(13, 4))
    for f_hz, colour in ((3, "C1"), (50, "C0")):
        for block, style in ((0.0, "-"), (1.0, "--")):
            m = copy.deepcopy(base)
            next(p for p in m["projections"] if p["name"] == "synapse")["plasticity"].setdefault("params", {})["nmda_block"] = block
            end, trace = ltd_run(args, m, workdir, f_hz, True)
            progress(f"P-CTRL-1 {f_hz} Hz, nmda_block {block:g}: W/W0 {end:.4f}")
            ax.plot(np.arange(len(trace)), trace, style, color=colour,
                    label=f"{f_hz} Hz, {'NMDA receptors blocked (AP5)' if block else 'control'}: W/W0 {end:.3f}")
    ax.set_yscale("log")
    ax.set_xlabel("pulse")
    ax.set_ylabel("W / W0")
    ax.set_title("P-CTRL-1: blocking NMDA receptors abolishes LTD and LTP (Shouval rule)", fontsize=10)
    ax.legend(fontsize=8, loc="center right")
    # The reduced model: C_pre = 0 (kappa_NMDA = 0), presynaptic stimulation only.
    runs = ((1.0, False, "C0", "-", "STET, control"), (0.0, False, "C0", "--", "STET, NMDA blocked (C_pre = 0)"),
            (0.0, True, "C1", "--", "LFS 1 Hz, NMDA blocked"))
    for kappa, lfs, colour, style, label in runs:
        t, e = gb_block_run(args, workdir, kappa, lfs, 3660000.0, "gb_block_" + label.split(",")[0].split()[0] + f"_{kappa:g}")
        progress(f"P-CTRL-1 reduced model, {label}: efficacy x{e[-1]:.4f} after {t[-1]:.0f} min")
        ax_gb.plot(t, e, style, color=colour, label=f"{label}: x{e[-1]:.3f} at {t[-1]:.0f} min")
    for k in range(3):
        ax_gb.axvspan(1.0 / 60 + 10 * k, 1.0 / 60 + 10 * k + 1.0 / 60, color="0.85")
    ax_gb.set_xlabel("time (min); grey: the three STET trains")
    ax_gb.set_ylabel("mean efficacy / start")
    ax_gb.set_title("P-CTRL-1 on the reduced model (Graupner-Brunel, hippocampal slices)", fontsize=10)
    ax_gb.legend(fontsize=8)
    save_figure(fig, args, "img_plasticity_nmda_block.png")


def units_figure(args, workdir):
    """P-UNIT-2 and P-UNIT-1 through the backend: one NMDA + AMPA spike onto lif_cond_nmda."""
    dt, t_spike, tau_r, tau_d = 0.1, 10.0, 2.0, 100.0
    model = {
        "name": "P-UNIT-2", "run": {"dt": dt, "duration": 400.0, "seed": 1},
        "populations": [{"name": "src", "model": "spike_source_array", "size": 1, "spike_times": [[t_spike]]},
                        # V_th far away: the neuron only integrates
                        {"name": "n", "model": "lif_cond_nmda", "size": 1, "params": {"V_th": 1000.0, "V_reset": -65.0}}],
        "projections": [{"name": "nmda", "source": "src", "target": "n", "receptor": "NMDA",
                         "connector": {"type": "all_to_all"}, "weight": 1.0, "delay": dt},
                        {"name": "ampa", "source": "src", "target": "n", "receptor": "AMPA",
                         "connector": {"type": "all_to_all"}, "weight": 1.0, "delay": dt}],
        "recorders": [{"type": "state", "population": "n", "neurons": [0], "variables": ["g_NMDA", "g_AMPA", "v"],
                       "interval": dt}],
    }
    out = engram_run(args, model, workdir, "unit_nmda")
    t = np.load(os.path.join(out, "state_n_times.npy"))
    g_nmda = np.load(os.path.join(out, "state_n_g_NMDA.npy"))[:, 0]
    g_ampa = np.load(os.path.join(out, "state_n_g_AMPA.npy"))[:, 0]
    # The spike reaches the neuron one step after emission (delay dt); conductances jump at the
    # end of that step. Closed form of the normalised dual exponential (peak 1 nS).
    t0 = t_spike + dt
    s = np.clip(t - t0, 0.0, None)
    t_peak = tau_d * tau_r * np.log(tau_d / tau_r) / (tau_d - tau_r)
    norm = 1.0 / (np.exp(-t_peak / tau_d) - np.exp(-t_peak / tau_r))
    closed = np.where(t >= t0, norm * (np.exp(-s / tau_d) - np.exp(-s / tau_r)), 0.0)
    k = int(np.argmax(g_nmda))
    progress(f"P-UNIT-2: NMDA peak {g_nmda[k]:.5f} nS at {t[k] - t0:.2f} ms after arrival (closed form 1 nS at "
             f"{t_peak:.4f} ms); max |engram - closed form| {np.max(np.abs(g_nmda - closed)):.2e} nS")
    fig, (ax_g, ax_b) = plt.subplots(1, 2, figsize=(11, 4))
    ax_g.plot(t - t0, g_nmda, color="C0", lw=2, label="g_NMDA (engram, every step)")
    ax_g.plot(t - t0, closed, "k--", lw=1, label=f"closed form: peak 1 nS at {t_peak:.2f} ms")
    ax_g.plot(t - t0, g_ampa, color="C1", lw=1.5, label="g_AMPA (engram, tau 2 ms)")
    ax_g.set_xlim(-5, 300)
    ax_g.set_xlabel("time after arrival (ms)")
    ax_g.set_ylabel("conductance (nS)")
    ax_g.set_title("P-UNIT-2: dual-exponential NMDA (tau_r 2, tau_d 100 ms)", fontsize=10)
    ax_g.legend(fontsize=8)
    # P-UNIT-1: the dossier's Jahr-Stevens values (1 mM and 2 mM) on the curve engram uses.
    v = np.linspace(-90.0, 40.0, 300)
    for mg, colour in ((1.0, "C0"), (2.0, "C3")):
        ax_b.plot(v, 1.0 / (1.0 + mg / 3.57 * np.exp(-0.062 * v)), color=colour, label=f"B(V), [Mg2+] = {mg:g} mM")
    pts1 = {-80: 0.0244, -65: 0.0597, -40: 0.2302, -20: 0.5081, 0: 0.7812, 20: 0.9250}
    ax_b.plot(list(pts1), list(pts1.values()), "ko", ms=4, label="dossier P-UNIT-1 (1 mM)")
    ax_b.plot([-65, 0], [0.0308, 0.6409], "k^", ms=5, label="dossier P-UNIT-1 (2 mM)")
    ax_b.set_xlabel("membrane potential (mV)")
    ax_b.set_ylabel("unblocked fraction B(V)")
    ax_b.set_title("P-UNIT-1: Jahr-Stevens Mg2+ block (the unit test checks engram's code)", fontsize=10)
    ax_b.legend(fontsize=8)
    save_figure(fig, args, "img_plasticity_units.png")


def clamped_figure(args, workdir):
    """P-UNIT-3/4/6 and P-CA-1/2: the rules' own functions on clamped inputs (no network), from
    engram_clamped_traces, which runs the protocol code of the unit tests."""
    out = os.path.join(workdir, "clamped")
    progress(f"clamped: {args.clamped_traces} {out}")
    r = subprocess.run([args.clamped_traces, out], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"plot_plasticity: {args.clamped_traces} failed (exit {r.returncode}):\n{r.stderr.strip()}")
    ld = lambda name: np.load(os.path.join(out, name + ".npy"))
    fig, ax = plt.subplots(2, 3, figsize=(15, 8))
    # P-UNIT-3: Omega and tau = 1/eta of the Shouval rule.
    a = ax[0, 0]
    ca = ld("unit3_ca")
    a.plot(ca, ld("unit3_omega"), color="C0", label="Omega(Ca) (engram)")
    a.plot([0.0, 0.40, 0.55, 1.0], [0.25, 0.0045027, 0.5, 1.0], "ko", ms=4, label="dossier P-UNIT-3")
    a.set_xlabel("spine calcium (uM above rest)")
    a.set_ylabel("Omega")
    a2 = a.twinx()
    a2.semilogy(ca, ld("unit3_tau_s"), color="C3", label="tau(Ca) = 1/eta (engram)")
    a2.semilogy([0.0, 0.40, 1.10], [10001.0, 2.5623, 1.0751], "k^", ms=5, label="dossier tau")
    a2.set_ylabel("tau (s)", color="C3")
    h1, l1 = a.get_legend_handles_labels()
    h2, l2 = a2.get_legend_handles_labels()
    a.legend(h1 + h2, l1 + l2, fontsize=7, loc="center right")
    a.set_title("P-UNIT-3: Shouval Omega and learning time constant", fontsize=10)
    # P-UNIT-4: GB calcium of one pair, stepped at 0.1 ms, with the exact time above threshold.
    a = ax[0, 1]
    t4, c4, above, th = ld("unit4_t"), ld("unit4_ca"), ld("unit4_above"), ld("unit4_thresholds")
    dossier4 = {-10: (23.406, 12.912), 0: (27.645, 17.313), 10: (23.283, 18.036), 20: (20.084, 14.837)}
    for k, delta in enumerate((-10, 0, 10, 20)):
        a.plot(t4, c4[k], color=f"C{k}",
               label=f"dt = {delta:+d} ms: above {above[k, 0]:.3f} / {above[k, 1]:.3f} ms "
                     f"(dossier {dossier4[delta][0]:.3f} / {dossier4[delta][1]:.3f})")
    a.axhline(th[0], color="k", ls="--", lw=0.8)
    a.axhline(th[1], color="k", ls=":", lw=0.8)
    a.text(120, th[0] + 0.03, "theta_d", fontsize=8)
    a.text(120, th[1] + 0.03, "theta_p", fontsize=8)
    a.set_xlim(-20, 150)
    a.set_xlabel("time after the presynaptic spike (ms)")
    a.set_ylabel("calcium (dimensionless)")
    a.set_title("P-UNIT-4: Graupner-Brunel calcium of one pair (DP set)", fontsize=10)
    a.legend(fontsize=6.5)
    # P-UNIT-6: spine calcium of the Shouval synapse for single spikes and pairings.
    a = ax[0, 2]
    t6, c6, peaks = ld("unit6_t"), ld("unit6_ca"), ld("unit6_peaks")
    labels = ["pre only", "post only", "dt = -50 ms", "dt = -10 ms", "dt = +10 ms", "dt = +50 ms"]
    dossier6 = [0.288, 0.000, 0.306, 0.423, 0.640, 0.551]
    for k, lab in enumerate(labels):
        a.plot(t6, c6[k], color=f"C{k}", label=f"{lab}: peak {peaks[k]:.3f} uM (dossier {dossier6[k]:.3f})")
    a.axhline(0.35, color="k", ls="--", lw=0.8)
    a.axhline(0.55, color="k", ls=":", lw=0.8)
    a.text(-55, 0.36, "alpha1: LTD above", fontsize=8)
    a.text(-55, 0.56, "alpha2: LTP above", fontsize=8)
    a.set_xlim(-60, 400)
    a.set_xlabel("time after the presynaptic spike (ms)")
    a.set_ylabel("spine calcium (uM above rest)")
    a.set_title("P-UNIT-6: Shouval spine calcium (dt 0.005 ms)", fontsize=10)
    a.legend(fontsize=6.5, loc="upper right")
    a.set_ylim(-0.02, 0.85)
    # P-CA-1: W during clamped calcium pulses.
    a = ax[1, 0]
    final, q = ld("ca1_final_w"), ld("ca1_q_uMs")
    pulses = [(1.1, 400.0, 0.4830), (0.4, 1200.0, 0.1582), (0.2, 10000.0, 0.2500)]
    for k, (c, dur, expected) in enumerate(pulses):
        t, w = ld(f"ca1_t_{k}"), ld(f"ca1_w_{k}")
        a.plot(t / 1000.0, w, color=f"C{k}", label=f"{c} uM for {dur / 1000:g} s: W {final[k]:.4f} (dossier {expected}), "
                                                     f"Q {q[k]:.2f} uM s")
        a.plot([dur / 1000.0], [expected], "ko", ms=4)
    a.set_xscale("log")
    a.set_xlabel("time in the clamped pulse (s)")
    a.set_ylabel("W")
    a.set_title("P-CA-1: calcium amplitude x duration decides LTP vs LTD", fontsize=10)
    a.legend(fontsize=7)
    # P-CA-2: coincidence detection.
    a = ax[1, 1]
    vals = [peaks[0], peaks[4], peaks[6]]
    bars = a.bar(["pre only", "pre -> post\n(+10 ms)", "pre only,\n[Mg2+] = 0"], vals, color=["C0", "C4", "C6"])
    for b, v in zip(bars, vals):
        a.text(b.get_x() + b.get_width() / 2, v * 1.05, f"{v:.3f} uM (x{v / vals[0]:.2f})", ha="center", fontsize=8)
    a.axhline(0.35, color="k", ls="--", lw=0.8)
    a.axhline(0.55, color="k", ls=":", lw=0.8)
    a.set_yscale("log")
    a.set_ylim(0.1, 10)
    a.set_ylabel("peak spine calcium (uM)")
    a.set_title("P-CA-2: NMDA receptors detect coincidence (dossier x2.22)", fontsize=10)
    # P-CA-2 traces around the peak.
    a = ax[1, 2]
    for k, lab in ((0, "pre only"), (4, "pre -> post +10 ms"), (6, "pre only, no Mg2+")):
        a.plot(t6, c6[k], color=f"C{k}", label=lab)
    a.set_xlim(-20, 200)
    a.set_xlabel("time after the presynaptic spike (ms)")
    a.set_ylabel("spine calcium (uM above rest)")
    a.set_title("P-CA-2: the calcium behind the bars", fontsize=10)
    a.legend(fontsize=8)
    save_figure(fig, args, "img_plasticity_clamped.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engram", default=os.path.join(REPO, "build", "release", "engram"),
                    help="engram binary (default: build/release/engram in the repository)")
    ap.add_argument("--outdir", default=os.path.join(REPO, "docs"), help="where the PNGs go (default: docs/)")
    ap.add_argument("--backend", default="cpu", choices=["cpu", "cuda", "auto"], help="engram backend (default cpu)")
    ap.add_argument("--seed", type=int, help="seed for every run (default: the protocol file's, 1)")
    ap.add_argument("--threads", type=int, help="CPU threads per run (default: engram's, all cores)")
    ap.add_argument("--wt-taus", type=float, default=10.0, help="P-CTRL-2 wild type: tau after the protocol (default 10)")
    ap.add_argument("--mutant-taus", type=float, default=5.0, help="P-CTRL-2 mutant: tau after the protocol (default 5)")
    ap.add_argument("--clamped-traces", default=os.path.join(REPO, "build", "release", "tests", "engram_clamped_traces"),
                    help="the tool behind --only clamped (default: build/release/tests/engram_clamped_traces)")
    ap.add_argument("--only", choices=["stdp", "camkii", "ltd", "ltp", "tagging", "units", "assoc", "nmda", "lfs", "meta",
                                       "rate", "clamped"], help="make only one of the twelve figures")
    ap.add_argument("--keep", action="store_true", help="keep the temporary run folders (their path is printed)")
    ap.add_argument("--write-protocols", action="store_true",
                    help="only write the protocol variants the figures run (P-CTRL-2, P-CTRL-3, P-TAG, P-LTD-2) "
                         "into models/protocols/ as ready-to-run files")
    args = ap.parse_args()
    if args.write_protocols:
        with open(PROTOCOL) as f:
            write_protocols(json.load(f))
        return

    if not (os.path.isfile(args.engram) and os.access(args.engram, os.X_OK)):
        sys.exit(f"plot_plasticity: engram binary not found or not executable: {args.engram}\n"
                 "Build it first (see README) or pass --engram PATH.")
    for path in (PROTOCOL, LTD_PROTOCOL, LTP_PROTOCOL, GB_BLOCK_PROTOCOL):
        if not os.path.isfile(path):
            sys.exit(f"plot_plasticity: protocol file missing: {path}")
    os.makedirs(args.outdir, exist_ok=True)
    with open(PROTOCOL) as f:
        base = json.load(f)

    workdir = tempfile.mkdtemp(prefix="engram_plot_plasticity_")
    try:
        if args.only in (None, "stdp"):
            stdp_figure(args, base, workdir)
        if args.only in (None, "camkii"):
            camkii_figure(args, base, workdir)
        if args.only in (None, "ltd"):
            ltd_figure(args, workdir)
        if args.only in (None, "ltp"):
            ltp_figure(args, workdir)
        if args.only in (None, "tagging"):
            tagging_figure(args, workdir)
        if args.only in (None, "units"):
            units_figure(args, workdir)
        if args.only in (None, "assoc"):
            assoc_figure(args, workdir)
        if args.only in (None, "nmda"):
            nmda_block_figure(args, workdir)
        if args.only in (None, "lfs"):
            lfs_figure(args, workdir)
        if args.only in (None, "meta"):
            meta_figure(args, workdir)
        if args.only in (None, "rate"):
            rate_figure(args, base, workdir)
        if args.only in (None, "clamped"):
            clamped_figure(args, workdir)
    finally:
        if args.keep:
            progress(f"runs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
