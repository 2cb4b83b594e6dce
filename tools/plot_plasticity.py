#!/usr/bin/python3
"""Regenerate the figures of docs/plasticity.md by running engram on the plasticity protocols.

usage: tools/plot_plasticity.py [--engram PATH] [--outdir DIR] [--backend cpu|cuda|auto]
                                [--seed N] [--threads N] [--keep]
                                [--only stdp|camkii|ltd|ltp|tagging]

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

P-STDP-2 and P-CTRL-2 run modified copies of models/protocols/P-STDP-2_graupner_brunel_DP.json
(17 runs, about 20 s of wall time on the CPU); P-LTD-1 modified copies of
models/protocols/P-LTD-1_shouval_frequency.json (11 frequencies plus 9 bisection steps, about
15 s); P-LTP-1, P-CTRL-3 and P-TAG modified copies of models/protocols/P-LTP-1_tagging_capture.json
with two pathways (9 runs of 8 h 20 min of biological time at dt = 1 ms, about 2 s each; every
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


def run_engram(args, model, workdir, label):
    out = engram_run(args, model, workdir, label)
    rho = np.load(os.path.join(out, "rho_plastic.npy"))
    times = np.load(os.path.join(out, "rho_plastic_times.npy"))
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
        rho, _ = run_engram(args, m, workdir, f"stdp_dt{delta:+d}ms".replace("+", "p").replace("-", "m"))
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
    fig.tight_layout()
    png = os.path.join(args.outdir, "img_plasticity_stdp_dp.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    progress(f"wrote {png}")


def camkii_figure(args, base, workdir):
    stim_end = 1000.0 + PAIRS * 1000.0 / F_HZ
    curves = {}
    print("P-CTRL-2: mean rho / fraction > 0.5 at the end of the protocol (61 s) and at the end of the run")
    for mutant in (False, True):
        m = copy.deepcopy(base)
        m["run"]["dt"] = CTRL_DT
        for p in m["projections"]:
            p["delay"] = CTRL_DT
        set_pairing(m, 10.0, CTRL_DT)
        pl = plastic(m)["plasticity"]
        pl["params"] = dict(pl.get("params", {}), beta=1.0, drift_dt=10.0,
                            camkii_autophosphorylation=0.0 if mutant else 1.0)
        n_tau = args.mutant_taus if mutant else args.wt_taus
        duration = stim_end + n_tau * TAU_MS
        times = sorted(set(np.arange(0.0, duration + 1e-9, CTRL_EVERY).tolist()) | {stim_end, duration})
        m["run"]["duration"] = duration
        m["recorders"] = [{"type": "spikes", "population": "post"},
                          {"type": "weights", "projection": "plastic", "variable": "rho", "times": times}]
        label = "ctrl_T286A" if mutant else "ctrl_wild_type"
        rho, t = run_engram(args, m, workdir, label)
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
    fig.tight_layout()
    png = os.path.join(args.outdir, "img_plasticity_camkii.png")
    fig.savefig(png, dpi=110)
    plt.close(fig)
    progress(f"wrote {png}")


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
    ap.add_argument("--only", choices=["stdp", "camkii"], help="make only one of the two figures")
    ap.add_argument("--keep", action="store_true", help="keep the temporary run folders (their path is printed)")
    args = ap.parse_args()

    if not (os.path.isfile(args.engram) and os.access(args.engram, os.X_OK)):
        sys.exit(f"plot_plasticity: engram binary not found or not executable: {args.engram}\n"
                 "Build it first (see README) or pass --engram PATH.")
    if not os.path.isfile(PROTOCOL):
        sys.exit(f"plot_plasticity: protocol file missing: {PROTOCOL}")
    os.makedirs(args.outdir, exist_ok=True)
    with open(PROTOCOL) as f:
        base = json.load(f)

    workdir = tempfile.mkdtemp(prefix="engram_plot_plasticity_")
    try:
        if args.only in (None, "stdp"):
            stdp_figure(args, base, workdir)
        if args.only in (None, "camkii"):
            camkii_figure(args, base, workdir)
    finally:
        if args.keep:
            progress(f"runs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
