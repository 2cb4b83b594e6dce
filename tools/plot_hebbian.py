#!/usr/bin/python3
"""The Hebbian instability and its cure, side by side: the figure of docs/plasticity.md.

usage: tools/plot_hebbian.py [--engram PATH] [--out PNG] [--compression K] [--duration S]
                             [--threads N] [--keep]
       tools/plot_hebbian.py --from WITHOUT_DIR WITH_DIR [--out PNG]
       tools/plot_hebbian.py --results WITHOUT.json WITH.json [IP.json] [--out PNG]

Runs models/networks/hebbian_instability.json (additive STDP on E->E, no homeostasis) and
hebbian_instability_scaling.json (the same plus synaptic scaling) on the CPU backend, with every
slow time scale compressed K times (default 200, as the CI test: STDP's lambda and scaling's
beta x K, the rate sensor's tau_a and the scaling interval / K) for --duration seconds (default
120), and plots the E rate, the mean E->E weight and the final weight distributions of both
runs; the time axis is also labelled in uncompressed hours. About 90 s of wall time.
--from plots two finished full-length runs instead (output folders of `engram run` on the two
files, with their own rate bins and weight snapshot times); --results two to four records of long runs
made by bench/hebbian_from_checkpoint.py (rates per bin and the final weight histogram; the
default output is then docs/img_hebbian_instability_full.png). Needs numpy and matplotlib.
Units: s, h, Hz, mV.
"""
import argparse
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
FILES = {"without homeostasis": "hebbian_instability.json", "with synaptic scaling": "hebbian_instability_scaling.json"}


def compressed(path, k, duration_s):
    net = json.load(open(path))
    net["run"]["duration"] = duration_s * 1000.0
    for pr in net["projections"]:
        for rule in pr.get("plasticity", []) if isinstance(pr.get("plasticity"), list) else []:
            p = rule.setdefault("params", {})
            if rule["rule"] == "stdp":
                p["lambda"] *= k
            if rule["rule"] == "synaptic_scaling":
                p["beta"] *= k
                p["tau_a"] /= k
                p["update_interval"] /= k
    for r in net["recorders"]:
        if r["type"] == "rate":
            r["bin"] = 1000.0
        if r["type"] == "weights":
            r["times"] = [t * 1000.0 for t in np.linspace(0, duration_s, 9)]
    return net


def load(folder):
    """E rate (Hz) per bin with bin centres (s), weight snapshot times (s) and weights (mV)."""
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    rate = np.load(os.path.join(folder, "rate_E.npy")).ravel()
    bin_s = manifest["duration"] / 1000.0 / len(rate)
    centres = (np.arange(len(rate)) + 0.5) * bin_s
    times = np.load(os.path.join(folder, "weights_EE_times.npy")).ravel() / 1000.0
    return centres, rate, times, np.load(os.path.join(folder, "weights_EE.npy"))


def plot_records(files, out):
    """The full-length runs from their records (bench/hebbian_from_checkpoint.py)."""
    records = [json.load(open(path)) for path in files]
    snapshots = any("EE_weight_snapshots" in r for r in records)
    fig, ax = plt.subplots(1, 3 if snapshots else 2, figsize=(17 if snapshots else 12, 4.2))
    for r, colour in zip(records, ("tab:red", "tab:blue", "tab:green", "tab:purple")):
        e = np.array(r["rates_hz"]["E"])
        per_min = int(round(60.0 / r["rate_bin_s"]))
        m = e[: len(e) // per_min * per_min].reshape(-1, per_min).mean(axis=1)  # 1-minute means
        t_h = (np.arange(len(m)) + 0.5) / 60.0
        label = r["label"].split(" (")[0]
        ax[0].plot(t_h, m, color=colour, label=f"{label} ({r['simulated_s'] / 3600:.1f} h simulated)")
        w = r["EE_weights"]
        centres = 0.5 * (np.array(w["edges"][1:]) + np.array(w["edges"][:-1]))
        ax[1].step(centres, np.maximum(w["histogram"], 0.8), where="mid", color=colour,
                   label=f"{label}, at {r['simulated_s'] / 3600:.1f} h (mean {w['mean']:.3f} mV)")
        print(f"{label}: {r['simulated_s'] / 3600:.2f} h; runaway {r['time_to_runaway_s']} s; mean weight {w['mean']:.4f}")
        if "EE_weight_snapshots" in r:  # a finished run: mean and spread at every snapshot
            snap = r["EE_weight_snapshots"]
            t = [x["t_h"] for x in snap]
            ax[2].plot(t, [x["sd"] for x in snap], "o-", color=colour, label=f"{label}: SD")
            ax[2].plot(t, [x["max"] - x["mean"] for x in snap], "^:", color=colour, label=f"{label}: max - mean")
    if snapshots:
        ax[2].set_xlabel("biological time (h)")
        ax[2].set_ylabel("E→E weight spread (mV)")
        ax[2].set_title("scaling holds the mean weight, not the spread", fontsize=10)
        ax[2].legend(fontsize=8)
    ax[0].set_yscale("log")
    ax[0].axhline(5.0, color="k", lw=0.8, ls=":")
    ax[0].set_xlabel("biological time (h)")
    ax[0].set_ylabel("E rate (Hz), 1-min means")
    ax[0].set_title("full length, no compression")
    ax[0].legend(fontsize=8)
    ax[1].set_yscale("log")
    ax[1].set_xlabel("E→E weight (mV)")
    ax[1].set_ylabel("synapses")
    ax[1].set_title("E→E weights at the end of each run (start: all 0.2 mV)")
    ax[1].legend(fontsize=8)
    fig.suptitle("Hebbian instability and homeostasis, uncompressed: 800 E / 200 I lif_delta, STDP λ = 1e-5")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print("wrote", out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engram", default=os.path.join(REPO, "build", "release", "engram"))
    ap.add_argument("--out", default=os.path.join(REPO, "docs", "img_hebbian_instability.png"))
    ap.add_argument("--compression", type=float, default=200.0)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of (compressed) biological time")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--from", dest="from_dirs", nargs=2, metavar=("WITHOUT_DIR", "WITH_DIR"))
    ap.add_argument("--results", nargs="+", metavar="RECORD.json",
                    help="records of long runs (without homeostasis, with scaling, with intrinsic plasticity, ...)")
    a = ap.parse_args()
    if a.results:
        if len(a.results) > 4:
            sys.exit("plot_hebbian: --results takes at most 4 records")
        plot_records(a.results, a.out if a.out != ap.get_default("out") else
                     os.path.join(REPO, "docs", "img_hebbian_instability_full.png"))
        return

    work = tempfile.mkdtemp(prefix="engram_hebbian_")
    runs = {}
    try:
        for (label, file), given in zip(FILES.items(), a.from_dirs or [None, None]):
            if given:
                runs[label] = load(given)
                continue
            net = compressed(os.path.join(REPO, "models", "networks", file), a.compression, a.duration)
            path = os.path.join(work, file)
            json.dump(net, open(path, "w"))
            out = os.path.join(work, file[:-5])
            cmd = [a.engram, "run", path, "--out", out, "--backend", "cpu", "--quiet"]
            if a.threads:
                cmd += ["--threads", str(a.threads)]
            subprocess.run(cmd, check=True)
            runs[label] = load(out)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("runs kept in", work)

    scale = 1.0 if a.from_dirs else a.compression  # seconds shown -> uncompressed seconds
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    colours = {"without homeostasis": "tab:red", "with synaptic scaling": "tab:blue"}
    for label, (centres, hz, times, w) in runs.items():
        c = colours[label]
        ax[0].plot(centres * scale / 3600.0, hz, color=c, label=label)
        ax[1].plot(times * scale / 3600.0, w.mean(axis=1), "o-", color=c, label=label)
        ax[2].hist(w[-1], bins=40, range=(0, 1.0), color=c, alpha=0.6, label=f"{label}, end")
        above = np.argmax(hz > 3 * hz[:5].mean()) if (hz > 3 * hz[:5].mean()).any() else None
        print(f"{label}: E rate first 5 bins {hz[:5].mean():.2f} Hz, last 5 bins {hz[-5:].mean():.2f} Hz; "
              f"mean E->E weight {w[0].mean():.4f} -> {w[-1].mean():.4f} mV"
              + (f"; rate > 3x baseline after {centres[above] * scale / 3600.0:.2f} h" if above is not None else ""))
    ax[2].hist(runs["with synaptic scaling"][3][0], bins=40, range=(0, 1.0), color="grey", alpha=0.4, label="start (both)")
    ax[0].set_yscale("log")
    ax[0].axhline(5.0, color="k", lw=0.8, ls=":")
    ax[0].set_xlabel("time (h" + (f", {scale:.0f}x compressed run" if scale != 1 else "") + ")")
    ax[0].set_ylabel("E rate (Hz)")
    ax[0].set_title("rates: runaway vs held at the 5 Hz target")
    ax[1].set_xlabel(ax[0].get_xlabel())
    ax[1].set_ylabel("mean E→E weight (mV)")
    ax[1].set_title("weights (W_max = 1 mV)")
    ax[2].set_xlabel("E→E weight (mV)")
    ax[2].set_ylabel("synapses")
    ax[2].set_yscale("log")
    ax[2].set_title("weight distributions")
    for x in ax:
        x.legend(fontsize=8)
    fig.suptitle("Hebbian instability (additive STDP on E→E) and its cure by synaptic scaling: 800 E / 200 I lif_delta")
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
