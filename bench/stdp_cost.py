#!/usr/bin/python3
"""Cost of the weight rules on the CPU backend: the Hebbian-instability network
(models/networks/hebbian_instability*.json: 800 E / 200 I lif_delta, 64 000 E->E synapses,
5 Hz) static, with additive STDP on E->E, with STDP + synaptic scaling, with triplet STDP.

    /usr/bin/python3 bench/stdp_cost.py [--engram PATH] [--backend cpu|cuda] [--duration MS] [--threads N] [--repeats K]

Every variant runs --duration ms of biological time (default 20 000: STDP's lambda is the
files' 1e-5, so rates stay at 5 Hz and every variant does the same spiking work) --repeats
times (default 3); the fastest run counts. Reports the real-time factor, the slowdown against
the static network, and the rule's cost per E->E synapse per step,
(t_plastic - t_static) / (synapses x steps). Writes bench/results/<date>-<host>-cpu-stdp.json
and prints a Markdown table for docs/benchmarks.md.
"""
import argparse
import datetime
import json
import os
import socket
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def variants():
    base = json.load(open(os.path.join(REPO, "models", "networks", "hebbian_instability_scaling.json")))
    stdp, scaling = base["projections"][0]["plasticity"]
    triplet = {"rule": "stdp_triplet", "set": "visual cortex all-to-all minimal", "params": {"W_max": 1.0}}
    return {"static": [], "stdp": [stdp], "stdp + synaptic_scaling": [stdp, scaling], "stdp_triplet": [triplet]}, base


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engram", default=os.path.join(REPO, "build", "release", "engram"))
    ap.add_argument("--duration", type=float, default=20000.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--backend", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    cases, base = variants()
    work = tempfile.mkdtemp(prefix="engram_stdp_cost_")
    rows = []
    for label, rules in cases.items():
        net = json.loads(json.dumps(base))
        net["run"]["duration"] = a.duration
        net["projections"][0]["plasticity"] = rules
        net["recorders"] = [{"type": "rate", "population": "E", "bin": 1000.0}]
        path = os.path.join(work, "net.json")
        json.dump(net, open(path, "w"))
        best = None
        for _ in range(a.repeats):
            out = os.path.join(work, "out")
            subprocess.run([a.engram, "run", path, "--out", out, "--backend", a.backend, "--threads", str(a.threads), "--quiet"],
                           check=True)
            m = json.load(open(os.path.join(out, "manifest.json")))
            if best is None or m["timing"]["simulate_s"] < best["timing"]["simulate_s"]:
                best = m
        rows.append({"variant": label, "simulate_s": best["timing"]["simulate_s"],
                     "real_time_factor": best["timing"]["real_time_factor"],
                     "rate_E_hz": best["populations"]["E"]["rate_hz"], "bytes_per_synapse": best["bytes_per_synapse"]})
    static = rows[0]["simulate_s"]
    steps = a.duration / base["run"]["dt"]
    for r in rows:
        r["slowdown"] = r["simulate_s"] / static
        r["ns_per_ee_synapse_step"] = (r["simulate_s"] - static) / (64000 * steps) * 1e9
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = {"kind": f"engram benchmark: weight-rule cost ({a.backend})", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
              "host": socket.gethostname(), "cpu_count": os.cpu_count(), "commit": commit, "threads": a.threads,
              "duration_ms": a.duration, "network": "models/networks/hebbian_instability_scaling.json (E->E rules replaced)",
              "rows": rows}
    name = f"{datetime.date.today().isoformat()}-{socket.gethostname()}-{a.backend}-stdp.json"
    os.makedirs(os.path.join(REPO, "bench", "results"), exist_ok=True)
    json.dump(result, open(os.path.join(REPO, "bench", "results", name), "w"), indent=1)
    print(f"| E->E rules | real-time factor | vs static | ns per E->E synapse-step | E rate (Hz) | bytes/synapse (mean) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['real_time_factor']:.3f} | x{r['slowdown']:.2f} | {r['ns_per_ee_synapse_step']:.3f} | "
              f"{r['rate_E_hz']:.2f} | {r['bytes_per_synapse']} |")
    print("wrote bench/results/" + name)


if __name__ == "__main__":
    main()
