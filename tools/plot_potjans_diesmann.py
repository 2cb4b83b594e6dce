#!/usr/bin/python3
"""Figure of a Potjans-Diesmann (2014) run like the paper's: a 100 ms raster of every population
(a fraction of the neurons, layers top to bottom) and box plots of single-neuron rates per
population, with the reference run's population means (science/protocols.md P-NET-3).

usage: tools/plot_potjans_diesmann.py OUTDIR [--png FILE] [--t0 MS] [--discard MS] [--fraction F]
OUTDIR is an `engram run` folder of models/networks/potjans_diesmann_2014*.json.
"""
import argparse, json, os, sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
REFERENCE_HZ = [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--png", help="output file (default OUTDIR/potjans_diesmann.png)")
    ap.add_argument("--t0", type=float, default=1000.0, help="start of the 100 ms raster window (ms)")
    ap.add_argument("--discard", type=float, default=500.0, help="warm-up left out of the rates (ms)")
    ap.add_argument("--fraction", type=float, default=0.05, help="fraction of neurons in the raster")
    a = ap.parse_args()
    man_path = os.path.join(a.outdir, "manifest.json")
    if not os.path.exists(man_path):
        sys.exit(f"{a.outdir}: no manifest.json (not an engram output folder)")
    man = json.load(open(man_path))
    duration = man["duration"]
    fig, (ax_r, ax_b) = plt.subplots(1, 2, figsize=(11, 5.5), gridspec_kw={"width_ratios": [1.3, 1]})
    offset, ticks, rates = 0, [], []
    colors = {"E": "#3b6fb6", "I": "#c0392b"}
    for name in POPS:
        n = man["populations"][name]["size"]
        s = np.load(os.path.join(a.outdir, f"spikes_{name}.npy"))
        shown = max(1, int(n * a.fraction))
        sel = (s["i"] < shown) & (s["t"] >= a.t0) & (s["t"] < a.t0 + 100)
        ax_r.plot(s["t"][sel], -(offset + s["i"][sel]), ".", ms=1.2, color=colors[name[-1]])
        ticks.append(-(offset + shown / 2))
        offset += shown + max(2, shown // 10)
        keep = s["t"] > a.discard
        counts = np.bincount(s["i"][keep], minlength=n)
        rates.append(counts / ((duration - a.discard) * 1e-3))
    ax_r.set_yticks(ticks, POPS)
    ax_r.set_xlabel("time (ms)")
    ax_r.set_title(f"raster, {a.fraction:.0%} of each population")
    ax_b.boxplot(rates, vert=False, labels=POPS, showfliers=False)
    ax_b.plot(REFERENCE_HZ, range(1, 9), "k^", label="reference mean (P-NET-3)")
    ax_b.plot([r.mean() for r in rates], range(1, 9), "o", color="#e67e22", label="engram mean")
    ax_b.invert_yaxis()
    ax_b.set_xlabel("rate (Hz)")
    ax_b.set_title(f"single-neuron rates, {a.discard:.0f}-{duration:.0f} ms")
    ax_b.legend(loc="lower right", fontsize=8)
    fig.suptitle(f"Potjans & Diesmann (2014) microcircuit: engram {man['engram_version']} ({man['backend']}, seed {man['seed']})")
    fig.tight_layout()
    png = a.png or os.path.join(a.outdir, "potjans_diesmann.png")
    fig.savefig(png, dpi=110)
    print(png)

if __name__ == "__main__":
    main()
