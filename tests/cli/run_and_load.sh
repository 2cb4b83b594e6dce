#!/usr/bin/env bash
# `engram run` on a small model using every feature, then loads the folder with numpy alone
# and checks the manifest and every array's dtype and shape.
set -eu
engram=$1; out=$2
py=/usr/bin/python3
if ! $py -c "import numpy" 2>/dev/null; then echo "numpy missing for $py: skipped"; exit 77; fi
rm -rf "$out"
"$engram" run small_all_features.json --out "$out" --quiet --backend cpu
$py - "$out" <<'PY'
import json, sys, numpy as np, os
out = sys.argv[1]
m = json.load(open(os.path.join(out, "manifest.json")))
for key in ["engram_version", "git_commit", "seed", "backend", "timing", "populations", "files", "model"]:
    assert key in m, key
assert m["seed"] == 7 and m["backend"] == "cpu" and m["dt"] == 0.1 and m["duration"] == 200.0
assert m["timing"]["real_time_factor"] > 0
# Time per phase of the step (engine.hpp), estimated from every 64th step and scaled: all
# eight, none negative, together about the step loop's wall time (the rest is writing files).
ph = m["timing"]["phases_s"]
assert sorted(ph) == sorted(["deliver", "stimulate", "update_neurons", "propagate", "post_spike_plasticity",
                    "synapse_dynamics", "slow_processes", "record"]), list(ph)
assert all(v >= 0 for v in ph.values()) and ph["update_neurons"] > 0 and ph["propagate"] > 0, ph
assert 0.2 * m["timing"]["simulate_s"] <= sum(ph.values()) <= 2.0 * m["timing"]["simulate_s"], (ph, m["timing"]["simulate_s"])
# Stages of the build: the shared ones and the CPU backend's, none negative, adding up to build_s.
st = m["timing"]["build_stages_s"]
assert {"backend_choice", "memory_estimate", "neurons", "connectivity", "stimuli_and_recorders"} <= set(st), list(st)
assert all(v >= 0 for v in st.values()), st
assert abs(sum(st.values()) - m["timing"]["build_s"]) <= 0.01 + 0.05 * m["timing"]["build_s"], (st, m["timing"]["build_s"])
# Peak memory: engram's own (VmHWM), at least what its synapses occupy, far below the 24 GiB
# machine; the CPU backend names its vector instructions.
assert m["peak_memory_bytes"] >= m["synapses"] * m["bytes_per_synapse"], (m["peak_memory_bytes"], m["synapses"])
assert m["peak_memory_bytes"] < 4 << 30, m["peak_memory_bytes"]
assert m["instruction_set"] in ("baseline", "avx2"), m.get("instruction_set")
names = {f["name"] for f in m["files"]}
for f in m["files"]:
    a = np.load(os.path.join(out, f["name"]))
    assert list(a.shape) == f["shape"], (f, a.shape)
s = np.load(os.path.join(out, "spikes_E.npy"))
assert s.dtype.names == ("t", "i") and s["t"].dtype == np.float64 and s["i"].dtype == np.int32
assert len(s) > 0 and s["t"].min() > 0 and s["t"].max() <= 200.0 and s["i"].max() < 80
assert np.all(np.diff(s["t"]) >= 0), "spikes ordered in time"
c = np.load(os.path.join(out, "spikes_C.npy"))
# Every C neuron receives the spike source (500 pA kicks): the source times drive spikes.
assert len(c) > 0
d = np.load(os.path.join(out, "spikes_D.npy"))
assert set(np.unique(d["i"])) <= {0, 1}
v = np.load(os.path.join(out, "state_I_v.npy")); t = np.load(os.path.join(out, "state_I_times.npy"))
assert v.shape == (400, 2) and v.dtype == np.float32 and abs(t[0] - 0.5) < 1e-12 and abs(t[-1] - 200.0) < 1e-9
r = np.load(os.path.join(out, "rate_E.npy"))
assert r.shape == (40,)
assert abs(r.mean() - m["populations"]["E"]["rate_hz"]) < 1e-6 * max(1, r.mean())
w = np.load(os.path.join(out, "weights_EE.npy"))
pre = np.load(os.path.join(out, "weights_EE_pre.npy")); post = np.load(os.path.join(out, "weights_EE_post.npy"))
assert w.shape[0] == 2 and w.shape[1] == len(pre) == len(post) == m["synapses"] - (m["synapses"] - w.shape[1])
assert np.all(pre != post), "autapses were disabled"
assert np.all(w >= 0)
print("output folder ok:", len(names), "files;", {k: round(p["rate_hz"], 2) for k, p in m["populations"].items()})
PY
# Command-line overrides reach the run and the manifest; the same seed gives the same spikes.
"$engram" run small_all_features.json --out "$out-a" --quiet --seed 0 --duration 300
"$engram" run small_all_features.json --out "$out-b" --quiet --seed 0 --duration 300 --threads 1
$py - "$out-a" "$out-b" <<'PY'
import json, sys, numpy as np
a, b = sys.argv[1], sys.argv[2]
m = json.load(open(f"{a}/manifest.json"))
assert m["seed"] == 0 and m["duration"] == 300.0, (m["seed"], m["duration"])
sa, sb = np.load(f"{a}/spikes_E.npy"), np.load(f"{b}/spikes_E.npy")
assert len(sa) > 0 and sa.tobytes() == sb.tobytes(), "same seed, other thread count: same spikes"
print("overrides ok: seed 0, 300 ms,", len(sa), "spikes, identical for 2 and 1 threads")
PY
