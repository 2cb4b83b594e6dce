#!/usr/bin/env python3
"""Cost and memory of procedural connectivity (ADR 0006, issue 7): Brunel (2000) model A in
the AI state with fixed_probability connectors (p = C/N, bench/make_scaled_models.py
--brunel-fp), its synapses stored ("table") and regenerated at every spike ("procedural").
Per size: build time, real-time factor, synaptic events per second, bytes per synapse, peak
resident memory of the process, and whether the two storages gave the same spikes (they
must). --big N adds the procedural network alone at N neurons (N = 8e6: 10^10 synapses) for
--big-ms of biological time, to show what fits.
Writes bench/results/<date>-<host>-<backend>-procedural.json.
usage: /usr/bin/python3 bench/procedural_cost.py [--sizes N ...] [--duration MS] [--backend cpu|cuda]
                                                 [--threads T] [--big N] [--big-ms MS]
"""
import argparse, datetime, json, os, platform, subprocess, sys, tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGRAM = os.path.join(ROOT, "build", "release", "engram")


def run(model, out, backend, threads):
    """Runs engram in a child process; returns its manifest and peak resident memory (MiB)."""
    cmd = [ENGRAM, "run", model, "--out", out, "--backend", backend, "--quiet"]
    if threads:
        cmd += ["--threads", str(threads)]
    if subprocess.run(cmd).returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed")
    m = json.load(open(os.path.join(out, "manifest.json")))
    return m, m["peak_memory_bytes"] / 2**20  # engram's own peak (VmHWM), not this script's


def row(name, storage, m, rss):
    t = m["timing"]
    return {"case": name, "storage": storage, "neurons": sum(p["size"] for p in m["populations"].values()),
            "synapses": m["synapses"], "bytes_per_synapse": m["bytes_per_synapse"], "build_s": t["build_s"],
            "simulate_s": t["simulate_s"], "real_time_factor": t["real_time_factor"],
            "synaptic_events_per_s": t["synaptic_events_per_s"], "peak_rss_mib": round(rss, 1),
            "rates_hz": {k: v["rate_hz"] for k, v in m["populations"].items()}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[12500])
    ap.add_argument("--duration", type=float, default=1000.0)
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--big", type=int, default=0)
    ap.add_argument("--big-ms", type=float, default=10.0)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="engram-procedural-")
    sizes = a.sizes + ([a.big] if a.big else [])
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_scaled_models.py"), work, "--brunel-fp",
                    *map(str, sizes), "--duration", str(a.duration)], check=True)
    rows, manifest = [], None
    for n in a.sizes:
        outs = {}
        for storage in ("table", "procedural"):
            out = os.path.join(work, f"{storage}_{n}")
            manifest, rss = run(os.path.join(work, f"brunel_fp_{storage}_{n}.json"), out, a.backend, a.threads)
            rows.append(row(f"brunel_fp_{n}", storage, manifest, rss))
            outs[storage] = np.load(os.path.join(out, "spikes_E.npy"))
            print(json.dumps(rows[-1]), flush=True)
        same = bool(np.array_equal(outs["table"], outs["procedural"]))
        rows[-1]["same_spikes_as_table"] = rows[-2]["same_spikes_as_table"] = same
        rows[-1]["slowdown_vs_table"] = rows[-1]["simulate_s"] / rows[-2]["simulate_s"]
        if not same:
            print(f"brunel_fp_{n}: procedural and stored spikes DIFFER", file=sys.stderr)
    if a.big:
        model = os.path.join(work, f"brunel_fp_procedural_{a.big}.json")
        m = json.load(open(model))
        m["run"]["duration"] = a.big_ms
        json.dump(m, open(model, "w"))
        manifest, rss = run(model, os.path.join(work, "big"), a.backend, a.threads)
        rows.append(row(f"brunel_fp_{a.big}", "procedural", manifest, rss))
        print(json.dumps(rows[-1]), flush=True)
    host = "vm" if a.backend == "cpu" else a.backend
    record = {"kind": "engram benchmark: procedural connectivity", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "host": platform.node() if a.backend != "cpu" else host, "cpu_count": os.cpu_count(), "backend": a.backend,
              "commit": manifest["git_commit"] if manifest else None, "duration_ms": a.duration,
              "network": "Brunel 2000 model A, AI state, fixed_probability C/N (bench/make_scaled_models.py --brunel-fp)",
              "rows": rows}
    path = os.path.join(ROOT, "bench", "results", f"{datetime.date.today()}-{host}-{a.backend}-procedural.json")
    json.dump(record, open(path, "w"), indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
