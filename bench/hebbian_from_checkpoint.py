#!/usr/bin/python3
"""Record a long Hebbian-instability run from its checkpoint, while it runs or after it stopped,
or from its output folder once it has finished.

usage: bench/hebbian_from_checkpoint.py CHECKPOINT|RUN_DIR OUT.json --label TEXT [--model FILE]

The full-length runs of models/networks/hebbian_instability*.json take hours on the CPU
(`engram run MODEL --out DIR --checkpoint-every 600000`); their rates and weights are in
DIR/checkpoint.bin long before the run writes its output. This reads the checkpoint (format:
src/checkpoint.cpp; no engram needed) and writes OUT.json with the E and I rates per recorder
bin (Hz), the time reached, the time to runaway (first bin above three times the mean of the
first 300 s) and a histogram of the E->E weights (projection 0). Given the output folder of a
finished run (with manifest.json) it reads rate_<pop>.npy and weights_EE.npy instead, and also
records the mean and spread of the E->E weights at every snapshot. Needs numpy.
"""
import argparse
import datetime
import json
import struct
import subprocess
import os

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blocks_of(path):
    data = open(path, "rb").read()
    if data[:8] != b"ENGRAMCK":
        raise SystemExit(f"{path}: not an engram checkpoint")
    at = 8 + 4 + 8 + 8 + 8  # magic, version, fingerprint, size, checksum
    (count,) = struct.unpack_from("<Q", data, at)
    at += 8
    blocks = {}
    for _ in range(count):
        (n,) = struct.unpack_from("<Q", data, at)
        name = data[at + 8:at + 8 + n].decode()
        at += 8 + n
        (size,) = struct.unpack_from("<Q", data, at)
        blocks[name] = data[at + 8:at + 8 + size]
        at += 8 + size
    return blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="checkpoint.bin of a running or stopped run, or the folder of a finished one")
    ap.add_argument("out")
    ap.add_argument("--label", required=True)
    ap.add_argument("--model", default=os.path.join(REPO, "models", "networks", "hebbian_instability.json"))
    a = ap.parse_args()
    model = json.load(open(a.model))
    dt = model["run"]["dt"]
    sizes = {p["name"]: p["size"] for p in model["populations"]}
    bins = [r for r in model["recorders"] if r["type"] == "rate"]
    rates = {}
    snapshots = None
    if os.path.isdir(a.checkpoint):  # a finished run's output folder
        manifest = json.load(open(os.path.join(a.checkpoint, "manifest.json")))
        reached_s = manifest["duration"] / 1000.0
        for r in bins:
            rates[r["population"]] = np.load(os.path.join(a.checkpoint, f"rate_{r['population']}.npy")).ravel().round(4).tolist()
        ws = np.load(os.path.join(a.checkpoint, "weights_EE.npy"))
        times = np.load(os.path.join(a.checkpoint, "weights_EE_times.npy")).ravel()
        snapshots = [{"t_h": float(t) / 3.6e6, "mean": float(x.mean()), "sd": float(x.std()), "min": float(x.min()),
                      "max": float(x.max())} for t, x in zip(times, ws)]
        w = ws[-1]
    else:
        b = blocks_of(a.checkpoint)
        (step,) = struct.unpack_from("<Q", b["step"])
        reached_s = step * dt / 1000.0
        for k, r in enumerate(bins):
            counts = np.frombuffer(b[f"rec.rate{k}"], dtype=np.uint64).astype(float)
            bin_s = r["bin"] / 1000.0
            done = int(reached_s / bin_s)
            rates[r["population"]] = (counts[:done] / sizes[r["population"]] / bin_s).round(4).tolist()
        w = np.frombuffer(b["proj0.weight"], dtype=np.float32)
    e = np.array(rates["E"])
    first = int(300.0 / (bins[0]["bin"] / 1000.0))
    above = np.nonzero(e > 3 * e[:first].mean())[0]
    w_max = model["projections"][0]["plasticity"][0]["params"].get("W_max", float(w.max()))
    hist, edges = np.histogram(w, bins=50, range=(0.0, w_max))
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = {
        "kind": "engram demonstration: Hebbian instability, full length, read from a checkpoint",
        "label": a.label, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "commit": commit,
        "model": os.path.relpath(a.model, REPO), "checkpoint": a.checkpoint, "simulated_s": reached_s,
        "rate_bin_s": bins[0]["bin"] / 1000.0, "rates_hz": rates,
        "time_to_runaway_s": (int(above[0]) + 1) * bins[0]["bin"] / 1000.0 if len(above) else None,
        "runaway_criterion": "first bin with E rate > 3x the mean of the first 300 s",
        "EE_weights": {"mean": float(w.mean()), "fraction_within_1pct_of_W_max": float((w >= 0.99 * w_max).mean()),
                       "histogram": hist.tolist(), "edges": edges.round(6).tolist()},
    }
    if snapshots is not None:
        result["EE_weight_snapshots"] = snapshots
    json.dump(result, open(a.out, "w"), indent=1)
    print(f"{a.label}: {reached_s / 3600:.2f} h, E rate {e[:first].mean():.2f} Hz at first, {e[-60:].mean():.2f} Hz in the last "
          f"{60 * bins[0]['bin'] / 1000 / 60:.0f} min; runaway at {result['time_to_runaway_s']} s; mean weight {w.mean():.4f}")


if __name__ == "__main__":
    main()
