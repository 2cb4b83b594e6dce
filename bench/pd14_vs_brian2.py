#!/usr/bin/python3
"""The Potjans & Diesmann (2014) microcircuit at reduced scale on the CPU, engram's CPU
backend and Brian 2 (cpp_standalone) side by side in one run (issue 7): the same model file
(tools/make_potjans_diesmann.py, N and K scaled, Poisson background) is run by `engram run`
and translated for Brian 2 by tests/reference/brian2_engram_file.py. Reported per scale:
build time, real-time factor of the time-step loop, synaptic events per second, and the mean
rate of every population over [500 ms, end] in both (they must agree: the timing comparison
is void otherwise; ⚠ marks differences above 20%).
Writes bench/results/<date>-vm-cpu-pd14-brian2.json and prints a Markdown table.
usage: /usr/bin/python3 bench/pd14_vs_brian2.py [--scales 0.1 ...] [--duration MS] [--threads T]
"""
import argparse, datetime, json, os, platform, subprocess, sys, tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
ENGRAM = os.path.join(ROOT, "build", "release", "engram")
T_START = 500.0  # ms: the reference's pre-simulation, discarded


def engram_rates(out, pops, duration):
    """Mean rate per population over (T_START, duration], as Brian's are computed."""
    import brian2_models as bm
    return {name: bm.spike_stats(np.load(os.path.join(out, f"spikes_{name}.npy")), n, T_START, duration)["rate_hz"]
            for name, n in pops.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=float, nargs="*", default=[0.1, 0.2])
    ap.add_argument("--duration", type=float, default=1500.0)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    import brian2_engram_file as bf
    work = tempfile.mkdtemp(prefix="engram-pd14-brian2-")
    rows = []
    for s in a.scales:
        model = os.path.join(work, f"pd14_{s:g}.json")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "make_potjans_diesmann.py"), "--n-scale", str(s),
                        "--k-scale", str(s), "--background", "poisson", "--duration", str(a.duration), "--out", model],
                       check=True, stdout=subprocess.DEVNULL)
        pops = {p["name"]: p["size"] for p in json.load(open(model))["populations"]}
        out = os.path.join(work, f"engram_{s:g}")
        subprocess.run([ENGRAM, "run", model, "--out", out, "--backend", "cpu", "--threads", str(a.threads), "--quiet"],
                       check=True)
        man = json.load(open(os.path.join(out, "manifest.json")))
        eng = {"build_s": man["timing"]["build_s"], "simulate_s": man["timing"]["simulate_s"],
               "real_time_factor": man["timing"]["real_time_factor"],
               "synaptic_events_per_s": man["timing"]["synaptic_events_per_s"], "synapses": man["synapses"],
               "rates_hz": engram_rates(out, pops, a.duration), "commit": man["git_commit"]}
        br = bf.run_file(model, a.duration, threads=a.threads, t_start_ms=T_START)
        events = eng["synaptic_events_per_s"] * eng["simulate_s"]  # the same network statistically
        brian = {"build_s": br["timing"]["build_s"], "simulate_s": br["timing"]["simulate_s"],
                 "real_time_factor": br["timing"]["real_time_factor"],
                 "synaptic_events_per_s": events / br["timing"]["simulate_s"], "synapses": br["synapses"],
                 "rates_hz": br["rates_hz"], "timing": br["timing"], "version": br["brian2_version"]}
        worst = max(abs(eng["rates_hz"][p] - brian["rates_hz"][p]) / max(brian["rates_hz"][p], 1e-9) for p in pops)
        rows.append({"scale": s, "neurons": sum(pops.values()), "engram": eng, "brian2": brian,
                     "speedup": brian["simulate_s"] / eng["simulate_s"], "largest_rate_difference": worst})
        print(json.dumps(rows[-1]), flush=True)
    record = {"kind": "engram benchmark: Potjans-Diesmann microcircuit vs Brian 2 (cpu)",
              "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "host": "vm",
              "cpu": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(), "threads": a.threads,
              "duration_ms": a.duration, "rates_from_ms": T_START,
              "model": "tools/make_potjans_diesmann.py --n-scale S --k-scale S --background poisson",
              "commit": rows[0]["engram"]["commit"] if rows else None, "rows": rows}
    path = os.path.join(ROOT, "bench", "results", f"{datetime.date.today()}-vm-cpu-pd14-brian2.json")
    json.dump(record, open(path, "w"), indent=1)
    print("wrote", path)
    names = list(rows[0]["engram"]["rates_hz"]) if rows else []
    print("\n| scale | N | synapses | engram build s | engram RTF | Brian 2 build s | Brian 2 RTF | speed-up | "
          + " | ".join(names) + " |")
    print("|---" * (8 + len(names)) + "|")
    for r in rows:
        e, b = r["engram"], r["brian2"]
        cells = []
        for p in names:
            d = abs(e["rates_hz"][p] - b["rates_hz"][p]) / max(b["rates_hz"][p], 1e-9)
            cells.append(f"{e['rates_hz'][p]:.2f} / {b['rates_hz'][p]:.2f}{' ⚠' if d > 0.2 else ''}")
        print(f"| {r['scale']:g} | {r['neurons']} | {e['synapses'] / 1e6:.1f}M | {e['build_s']:.2f} | "
              f"{e['real_time_factor']:.2f} | {b['build_s']:.1f} | {b['real_time_factor']:.2f} | {r['speedup']:.2f} | "
              + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
