#!/usr/bin/env python3
"""Writes scaled benchmark models (JSON, engram's model format) into a folder.

COBA (Vogels-Abbott / Brette 2007 benchmark 1) at N neurons with fixed in-degree 80 E + 20 I
and a Poisson background of 100 sources x 5 Hz (6 nS, AMPA) per neuron: without it the
scaled network falls silent (the same definition as bench/run_benchmarks.py), and Brunel
(2000) model A, AI state, at N = N_E + N_I with C_E = 1000, C_I = 250 kept fixed.
Only the Python standard library is used, so it runs anywhere.
COBA with plastic E->E synapses (issue 5's benchmark): the COBA network with an E->E fixed
in-degree K whose synapses follow the Graupner & Brunel (2012) rule (cortical-slices set, half
the synapses starting UP); the DOWN weight is 6 nS x 80/K / 3.2 so that the mean efficacy
(w0 (1 + (b-1)/2) = 3.2 w0) keeps COBA's mean E->E drive. The "_static" twin has the same
network without the rule, so the difference of the two run times is the cost of plasticity.
Brunel with fixed_probability connectors (p = C/N) in two twins, procedural and stored
("table"), for issue 7's procedural-connectivity benchmark and its 10^10-synapse network.
usage: make_scaled_models.py OUTDIR [--coba N ...] [--brunel N ...] [--coba-plastic N:K ...]
                             [--brunel-fp N ...] [--duration MS]
"""
import argparse, json, os

def coba(n, duration):
    ne, ni = n * 4 // 5, n // 5
    pops = [{"name": "E", "model": "lif_cond_exp", "size": ne,
             "initial": {"v": {"dist": "uniform", "low": -60, "high": -50},
                         "g_AMPA": {"dist": "normal", "mean": 40, "std": 15, "low": 0},
                         "g_GABA_A": {"dist": "normal", "mean": 200, "std": 120, "low": 0}}},
            {"name": "I", "model": "lif_cond_exp", "size": ni,
             "initial": {"v": {"dist": "uniform", "low": -60, "high": -50},
                         "g_AMPA": {"dist": "normal", "mean": 40, "std": 15, "low": 0},
                         "g_GABA_A": {"dist": "normal", "mean": 200, "std": 120, "low": 0}}}]
    projs = []
    for src, k, rec, w in (("E", 80, "AMPA", 6.0), ("I", 20, "GABA_A", 67.0)):
        for tgt in ("E", "I"):
            projs.append({"name": f"{src}{tgt}", "source": src, "target": tgt, "receptor": rec,
                          "connector": {"type": "fixed_indegree", "indegree": k, "autapses": False},
                          "weight": w, "delay": 0.1})
    stims = [{"type": "poisson", "target": t, "rate": 5.0, "sources": 100, "weight": 6.0, "receptor": "AMPA"}
             for t in ("E", "I")]
    return {"name": f"coba_{n}", "description": "COBA benchmark, fixed in-degree 80 E + 20 I, Poisson background 100 x 5 Hz",
            "run": {"dt": 0.1, "duration": duration, "seed": 1}, "populations": pops, "projections": projs,
            "stimuli": stims, "recorders": [{"type": "spikes", "population": "E"}]}

RULES = {  # rule -> (plasticity block, mean efficacy / stored weight at the start)
    "graupner_brunel": ({"rule": "graupner_brunel", "set": "cortical slices"}, 3.2),
    "shouval": ({"rule": "shouval"}, 1.0),
    "tagging_capture": ({"rule": "tagging_capture"}, 1.0),
}

def coba_plastic(n, k, duration, plastic=True, rule="graupner_brunel"):
    m = coba(n, duration)
    block, gain = RULES[rule]
    w0 = 6.0 * 80.0 / k / gain
    ee = next(p for p in m["projections"] if p["name"] == "EE")
    ee["connector"] = {"type": "fixed_indegree", "indegree": k, "autapses": False}
    ee["weight"] = w0 if plastic else w0 * gain
    if plastic:
        ee["plasticity"] = dict(block)
    tag = ("plastic" if rule == "graupner_brunel" else rule) if plastic else "static"
    m["name"] = f"coba_{tag}_{n}_{k}"
    m["description"] = (f"COBA at {n} neurons, E->E fixed in-degree {k}" +
                        (f" with {rule} plasticity" if plastic else " (static twin)"))
    return m

def brunel(n, duration):
    ne, ni = n * 4 // 5, n // 5
    g, eta, j = 5.0, 2.0, 0.1
    params = {"tau_m": 20, "V_th": 20, "V_reset": 10, "t_ref": 2, "E_L": 0}
    init = {"v": {"dist": "uniform", "low": 10, "high": 20}}
    pops = [{"name": "E", "model": "lif_delta", "size": ne, "params": params, "initial": init},
            {"name": "I", "model": "lif_delta", "size": ni, "params": params, "initial": init}]
    projs = []
    for src, k, w in (("E", 1000, j), ("I", 250, -g * j)):
        for tgt in ("E", "I"):
            projs.append({"name": f"{src}{tgt}", "source": src, "target": tgt, "receptor": "delta",
                          "connector": {"type": "fixed_indegree", "indegree": k}, "weight": w, "delay": 1.5})
    stims = [{"type": "poisson", "target": t, "rate": eta * 10.0, "sources": 1000, "weight": j, "receptor": "delta"}
             for t in ("E", "I")]
    return {"name": f"brunel_{n}", "description": "Brunel 2000 model A, AI state (g=5, eta=2)",
            "run": {"dt": 0.1, "duration": duration, "seed": 1}, "populations": pops, "projections": projs,
            "stimuli": stims, "recorders": [{"type": "spikes", "population": "E"}]}

def brunel_fp(n, duration, storage):
    """Brunel model A (AI) with each pair connected with probability C/N_source (in-degrees
    binomial around C_E = 1000 and C_I = 250 instead of exact), so that its projections can be
    procedural: N x 1250 synapses, 10^10 at N = 8M."""
    m = brunel(n, duration)
    sizes = {p["name"]: p["size"] for p in m["populations"]}
    for pr in m["projections"]:
        k = pr["connector"]["indegree"]
        pr["connector"] = {"type": "fixed_probability", "p": k / sizes[pr["source"]]}
        pr["storage"] = storage
    m["name"] = f"brunel_fp_{storage}_{n}"
    m["description"] = (f"Brunel 2000 model A, AI state (g=5, eta=2), fixed_probability C/N, {storage} synapses")
    return m

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--coba", type=int, nargs="*", default=[])
    ap.add_argument("--brunel", type=int, nargs="*", default=[])
    ap.add_argument("--coba-plastic", nargs="*", default=[], metavar="N:K")
    ap.add_argument("--brunel-fp", type=int, nargs="*", default=[],
                    help="Brunel with fixed_probability connectors, procedural and stored (table) twins")
    ap.add_argument("--rules", nargs="*", default=["graupner_brunel"], choices=sorted(RULES),
                    help="plasticity rules of the --coba-plastic models (each also gets the static twin)")
    ap.add_argument("--duration", type=float, default=1000.0)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    for n in a.coba:
        json.dump(coba(n, a.duration), open(os.path.join(a.outdir, f"coba_{n}.json"), "w"), indent=1)
    for spec in a.coba_plastic:
        n, k = (int(x) for x in spec.split(":"))
        for rule in a.rules:
            m = coba_plastic(n, k, a.duration, True, rule)
            json.dump(m, open(os.path.join(a.outdir, m["name"] + ".json"), "w"), indent=1)
        m = coba_plastic(n, k, a.duration, False)
        json.dump(m, open(os.path.join(a.outdir, m["name"] + ".json"), "w"), indent=1)
    for n in a.brunel:
        json.dump(brunel(n, a.duration), open(os.path.join(a.outdir, f"brunel_{n}.json"), "w"), indent=1)
    for n in a.brunel_fp:
        for storage in ("procedural", "table"):
            m = brunel_fp(n, a.duration, storage)
            json.dump(m, open(os.path.join(a.outdir, m["name"] + ".json"), "w"), indent=1)
