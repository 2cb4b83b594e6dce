#!/usr/bin/python3
"""Per-population rates, CV(ISI) and synchrony of Potjans-Diesmann (2014) runs, averaged over
the given `engram run` output folders (e.g. one per seed), with each rate's deviation from the
reference run's mean rates (the reference code's full_mean_rates, docs/potjans-diesmann.md).

  tools/pd14_stats.py OUT_55 OUT_1 OUT_2 [--t0 500] [--t1 MS]

Rates: spikes in (t0, t1] per neuron, all neurons. CV(ISI): mean over neurons with >= 4 spikes
in the window. Synchrony: variance over mean of the spike-count histogram of the population's
first 1 000 neurons in 3 ms bins (the paper's Fig. 6 measures). Units: ms, Hz."""
import argparse
import json

import numpy as np

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
REFERENCE_HZ = [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829]


def stats(out, t0, t1):
    m = json.load(open(f"{out}/manifest.json"))
    t1 = t1 or m["duration"]
    rate, cv, sync = {}, {}, {}
    for p in POPS:
        a = np.load(f"{out}/spikes_{p}.npy")
        sel = (a["t"] > t0) & (a["t"] <= t1)
        t, i = a["t"][sel], a["i"][sel]
        rate[p] = sel.sum() / m["populations"][p]["size"] / ((t1 - t0) / 1000.0)
        order = np.lexsort((t, i))
        t, i = t[order], i[order]
        cvs = []
        for k in np.unique(i):
            d = np.diff(t[i == k])
            if len(d) >= 3:
                cvs.append(d.std() / d.mean())
        cv[p] = float(np.mean(cvs)) if cvs else float("nan")
        h, _ = np.histogram(t[i < 1000], bins=np.arange(t0, t1 + 3.0, 3.0))
        sync[p] = h.var() / h.mean() if h.mean() > 0 else float("nan")
    return rate, cv, sync


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outs", nargs="+")
    ap.add_argument("--t0", type=float, default=500.0, help="start of the window (ms; warm-up before it is left out)")
    ap.add_argument("--t1", type=float, default=None, help="end of the window (ms; default: the run's end)")
    args = ap.parse_args()
    runs = [stats(o, args.t0, args.t1) for o in args.outs]
    print("population  " + " ".join(f"{p:>7}" for p in POPS))
    for name, k in (("rate (Hz)", 0), ("CV(ISI)", 1), ("synchrony", 2)):
        print(f"{name:<11} " + " ".join(f"{np.mean([r[k][p] for r in runs]):7.3f}" for p in POPS))
    print("vs ref.     " + " ".join(f"{(np.mean([r[0][p] for r in runs]) / ref - 1) * 100:+6.1f}%" for p, ref in zip(POPS, REFERENCE_HZ)))


if __name__ == "__main__":
    main()
