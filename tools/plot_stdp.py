#!/usr/bin/python3
"""Figures of the spike-timing protocols in docs/plasticity.md: P-STDP-4 and P-STDP-5.

usage: tools/plot_stdp.py [--engram PATH] [--out PNG] [--keep]

Runs on the CPU backend:
  P-STDP-4  models/protocols/P-STDP-4_triplet_visual_cortex.json with 60 pairs at 0.1, 10, 20,
            40, 50 Hz and dt = +-10 ms (triplet rule, visual cortex all-to-all minimal and full
            sets), against Sjostrom et al. (2001) as tabulated in the science dossier;
  P-STDP-5  models/protocols/P-STDP-5_song2000_additive.json (2000 s) and
            P-STDP-5_van_rossum2000_mixed.json (500 s): the weight distributions over time.
Writes docs/img_stdp.png (or --out). About 60 s. Needs numpy and matplotlib. Units: ms, Hz, nS.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTOCOLS = os.path.join(REPO, "models", "protocols")
FREQS = [0.1, 10, 20, 40, 50]
DATA = {+10: ([-0.04, 0.14, 0.29, 0.53, 0.56], [0.05, 0.10, 0.14, 0.11, 0.26]),
        -10: ([-0.29, -0.41, -0.34, 0.56, 0.75], [0.08, 0.11, 0.10, 0.32, 0.19])}


def run(engram, net, work, name):
    path = os.path.join(work, name + ".json")
    json.dump(net, open(path, "w"))
    out = os.path.join(work, name)
    subprocess.run([engram, "run", path, "--out", out, "--backend", "cpu", "--threads", "1", "--quiet"], check=True)
    return out


def triplet_change(engram, work, set_name, f, delta):
    net = json.load(open(os.path.join(PROTOCOLS, "P-STDP-4_triplet_visual_cortex.json")))
    net["projections"][1]["plasticity"]["set"] = set_name
    pre = [round(1000.0 + k * 1000.0 / f, 1) for k in range(60)]
    net["populations"][0]["spike_times"] = [pre]
    net["populations"][1]["spike_times"] = [[round(t + delta - 0.1, 1) for t in pre]]
    end = round(max(pre[-1], pre[-1] + delta) + 500.0, 1)
    net["run"]["duration"] = end
    net["recorders"][1]["times"] = [0, end]
    out = run(engram, net, work, "triplet")
    return float(np.load(os.path.join(out, "weights_plastic.npy"))[-1, 0]) - 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engram", default=os.path.join(REPO, "build", "release", "engram"))
    ap.add_argument("--out", default=os.path.join(REPO, "docs", "img_stdp.png"))
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="engram_stdp_")
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    try:
        for delta, marker in ((+10, "o"), (-10, "s")):
            m, e = DATA[delta]
            ax[0].errorbar(FREQS, m, yerr=e, fmt=marker, color="k", capsize=3, label=f"Sjöström 2001, Δt = {delta:+d} ms")
            for set_name, colour in (("visual cortex all-to-all minimal", "tab:blue"), ("visual cortex all-to-all full", "tab:orange")):
                dw = [triplet_change(a.engram, work, set_name, f, delta) for f in FREQS]
                print(f"P-STDP-4 {set_name} dt {delta:+d}: " + " ".join(f"{x:+.4f}" for x in dw))
                ax[0].plot(FREQS, dw, marker + "-", color=colour, mfc="none",
                           label=f"triplet, {set_name.replace('visual cortex all-to-all ', '')} set, {delta:+d} ms")
        ax[0].axhline(0, color="grey", lw=0.7)
        ax[0].set_xlabel("pairing frequency (Hz)")
        ax[0].set_ylabel("Δw / w after 60 pairs")
        ax[0].set_title("P-STDP-4: frequency dependence (triplet rule)")
        ax[0].legend(fontsize=7)
        g_max = 0.15
        for panel, (file, label) in zip(ax[1:], (("P-STDP-5_song2000_additive.json", "additive (Song 2000)"),
                                                 ("P-STDP-5_van_rossum2000_mixed.json", "mixed (van Rossum 2000)"))):
            out = run(a.engram, json.load(open(os.path.join(PROTOCOLS, file))), work, file[:-5])
            w = np.load(os.path.join(out, "weights_plastic.npy"))
            times = np.load(os.path.join(out, "weights_plastic_times.npy")) / 1000.0
            for k in range(w.shape[0]):
                near = np.mean((w[k] < 0.1 * g_max) | (w[k] > 0.9 * g_max))
                panel.hist(w[k], bins=30, range=(0, g_max), histtype="step", lw=1.5,
                           label=f"{times[k]:.0f} s ({100 * near:.0f}% near a bound)")
                print(f"P-STDP-5 {label} at {times[k]:.0f} s: mean {w[k].mean():.4f} nS, {100 * near:.1f}% near a bound")
            panel.set_xlabel("weight (nS)")
            panel.set_ylabel("synapses")
            panel.set_title(f"P-STDP-5: {label}")
            panel.legend(fontsize=8)
    finally:
        if a.keep:
            print("runs kept in", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
