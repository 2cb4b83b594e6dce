#!/usr/bin/python3
"""Write the Potjans & Diesmann (2014) cortical microcircuit as an engram model file.

usage: tools/make_potjans_diesmann.py [--n-scale F] [--k-scale F] [--background dc|poisson]
                                      [--duration MS] [--seed N] [--out FILE]

Without options it writes models/networks/potjans_diesmann_2014.json (full scale, DC
background). With --n-scale / --k-scale it writes
models/networks/potjans_diesmann_2014_scaled_<N>[_k<K>][_poisson].json (a single number
when both factors are equal; _poisson with --background poisson), e.g.

  tools/make_potjans_diesmann.py --n-scale 0.1 --k-scale 0.1
      -> models/networks/potjans_diesmann_2014_scaled_0.1.json
  tools/make_potjans_diesmann.py --n-scale 0.1 --k-scale 0.1 --background poisson
      -> models/networks/potjans_diesmann_2014_scaled_0.1_poisson.json

Caveat (see docs/potjans-diesmann.md): with the reference's default DC background, the
K-scaling compensation lowers I_e below the rheobase (375 pA) in 7 of 8 populations at
k_scale 0.1 (the reference warns about this) and the network falls silent; the Poisson
background keeps it active.

Every number comes from the reference implementation, INM-6/microcircuit-PD14-model,
PyNEST/src/microcircuit/ (network_params.py, network.py, helpers.py; the values are the
same in the newer parameter_definitions.py), and is derived here exactly as the reference
derives it:

  * neurons per population   N = round(N_full * n_scale)                     (network.py)
  * synapses per projection  Q = round(ln(1-p) / ln((Npre Npost - 1)/(Npre Npost))
                                   * n_scale * k_scale)                     (helpers.num_synapses_from_conn_probs,
                                                                             computed with the full-scale N)
    connected with fixed_total_number (multapses and autapses allowed, as NEST's rule)
  * PSC/PSP conversion       helpers.postsynaptic_potential_to_current(C_m, tau_m, tau_syn)
                             = 585.39 pA/mV; 0.15 mV -> 87.81 pA
  * weights                  normal(mean, |mean| * 0.1), redrawn to keep their sign;
                             inhibitory mean = g * excitatory, g = -4; L4E -> L2/3E doubled
  * delays                   normal(1.5 ms (E) / 0.75 ms (I), 0.5 * mean), redrawn below a bound
  * DC background            I_e = bg_rate * K_ext * PSC_ext * tau_syn * 0.001  (helpers.dc_input_compensating_poisson)
  * K scaling (k_scale != 1) helpers.adjust_weights_and_input_to_synapse_scaling: all weights
                             / sqrt(k_scale); I_e += 0.001 tau_syn (1 - sqrt(k_scale)) * sum_j
                             PSC_ij (Q_full_ij / N_full_i) nu_full_j (+ the same term for the
                             Poisson background when it is used), nu_full = the reference's
                             full_mean_rates
  * initial V                normal(V0_mean, V0_std) per population ("optimized" V0 set)

Engram has no pre-simulation phase: the file simulates t_presim + t_sim = 500 + 1000 ms and
analysis should discard the first 500 ms, as the reference does.

Needs only the Python standard library and NumPy.
"""

import argparse
import json
import math
import os
import sys

import numpy as np

REF = "INM-6/microcircuit-PD14-model PyNEST/src/microcircuit"

# ---------------------------------------------------------------- reference parameters
# network_params.py (net_dict), identical in parameter_definitions.py
POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
# --plastic (an engram variant, not in the reference): every excitatory synapse learns with
# NEST's multiplicative stdp_synapse (lambda, alpha 1, mu 1: its equilibrium w = W_max / 2 is the
# reference mean weight) and homeostatic synaptic scaling toward the reference rate of its target
# population.
PLASTIC_W_MAX = 2.0
PLASTIC_LAMBDA = 0.01
# mean rates of the full-scale reference run (Hz), used by the K-scaling compensation
FULL_MEAN_RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
# connection probabilities, rows = target, columns = source
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
])
PSP_EXC_MEAN = 0.15      # mV
WEIGHT_REL_STD = 0.1
G = -4.0
DELAY_EXC_MEAN = 1.5     # ms
DELAY_INH_MEAN = 0.75    # ms
DELAY_REL_STD = 0.5
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
BG_RATE = 8.0            # Hz
V0_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]  # mV, "optimized"
V0_STD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]                  # mV, "optimized"
NEURON = {"C_m": 250.0, "tau_m": 10.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0,
          "t_ref": 2.0, "tau_syn": 0.5}
# sim_params / parameter_definitions.py simulation section
DT = 0.1                 # ms
T_PRESIM = 500.0         # ms
T_SIM = 1000.0           # ms
RNG_SEED = 55            # the reference's NEST seed (engram's random streams differ anyway)


# ---------------------------------------------------------------- reference formulas
def num_synapses_from_conn_probs(conn_probs, popsize1, popsize2):
    """helpers.num_synapses_from_conn_probs."""
    prod = np.outer(popsize1, popsize2).astype(float)
    return np.log(1.0 - conn_probs) / np.log((prod - 1.0) / prod)


def postsynaptic_potential_to_current(C_m, tau_m, tau_syn):
    """helpers.postsynaptic_potential_to_current: PSC (pA) per PSP peak (mV)."""
    sub = 1.0 / (tau_syn - tau_m)
    pre = tau_m * tau_syn / C_m * sub
    frac = (tau_m / tau_syn) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn))


def get_exc_inh_matrix(val_exc, val_inh, num_pops):
    """network_params.get_exc_inh_matrix: even columns (sources) excitatory, odd inhibitory."""
    m = np.zeros((num_pops, num_pops))
    m[:, 0:num_pops:2] = val_exc
    m[:, 1:num_pops:2] = val_inh
    return m


def derive(n_scale, k_scale, background):
    """network.py Network.__derive_parameters, for bg_input_type = background."""
    full_num_synapses = num_synapses_from_conn_probs(CONN_PROBS, N_FULL, N_FULL)
    num_neurons = np.round(N_FULL * n_scale).astype(int)
    num_synapses = np.round(full_num_synapses * n_scale * k_scale).astype(int)
    ext_indegrees = np.round(K_EXT * k_scale).astype(int)

    psp = get_exc_inh_matrix(PSP_EXC_MEAN, PSP_EXC_MEAN * G, len(POPS))
    psp[0, 2] = 2.0 * PSP_EXC_MEAN  # L4E -> L2/3E doubled
    psc_over_psp = postsynaptic_potential_to_current(NEURON["C_m"], NEURON["tau_m"], NEURON["tau_syn"])
    psc = psp * psc_over_psp
    psc_ext = PSP_EXC_MEAN * psc_over_psp
    tau_syn = NEURON["tau_syn"]

    if background == "poisson":
        dc = np.zeros(len(POPS))
    else:
        dc = BG_RATE * K_EXT * psc_ext * tau_syn * 0.001  # helpers.dc_input_compensating_poisson

    if k_scale != 1:  # helpers.adjust_weights_and_input_to_synapse_scaling
        indegree_matrix = full_num_synapses / N_FULL[:, np.newaxis]
        input_rec = np.sum(psc * indegree_matrix * FULL_MEAN_RATES, axis=1)
        dc = dc + 0.001 * tau_syn * (1.0 - math.sqrt(k_scale)) * input_rec
        if background == "poisson":
            dc = dc + 0.001 * tau_syn * (1.0 - math.sqrt(k_scale)) * psc_ext * K_EXT * BG_RATE
        psc = psc / math.sqrt(k_scale)
        psc_ext = psc_ext / math.sqrt(k_scale)

    rheobase = NEURON["C_m"] * (NEURON["V_th"] - NEURON["E_L"]) / NEURON["tau_m"]
    below = [name for name, a in zip(POPS, dc) if a < rheobase]
    if background == "dc" and below:
        # network.py warns the same way ("sub-threshold with downscaled DC input amplitude and
        # may not fire"); with n_scale = k_scale = 0.1 engram finds the network silent except L6I.
        print(f"warning: I_e below the rheobase of {rheobase:.0f} pA in {', '.join(below)}: these "
              "populations fire only if recurrent input sustains them (with a DC background and "
              "k_scale 0.1 the network falls silent; consider --background poisson)", file=sys.stderr)

    delay = get_exc_inh_matrix(DELAY_EXC_MEAN, DELAY_INH_MEAN, len(POPS))
    return dict(num_neurons=num_neurons, num_synapses=num_synapses, ext_indegrees=ext_indegrees,
                psc=psc, psc_ext=psc_ext, dc=dc, delay=delay, psc_over_psp=psc_over_psp,
                full_num_synapses=full_num_synapses)


def fmt(x, nd=6):
    """Round for a readable file; 6 significant digits are far below the 10% weight spread."""
    return float(f"{x:.{nd}g}")


def build_model(n_scale, k_scale, background, duration, seed, plastic=False):
    d = derive(n_scale, k_scale, background)
    populations = []
    for i, name in enumerate(POPS):
        params = {k: NEURON[k] for k in ("C_m", "tau_m", "E_L", "V_th", "V_reset", "t_ref")}
        params["tau_syn_exc"] = NEURON["tau_syn"]
        params["tau_syn_inh"] = NEURON["tau_syn"]
        params["I_e"] = fmt(d["dc"][i], 8)
        populations.append({
            "name": name, "model": "lif_curr_exp", "size": int(d["num_neurons"][i]),
            "params": params,
            "initial": {"v": {"dist": "normal", "mean": V0_MEAN[i], "std": V0_STD[i]}},
        })

    projections = []
    for i, tgt in enumerate(POPS):        # target = row
        for j, src in enumerate(POPS):    # source = column
            n = int(d["num_synapses"][i, j])
            if n <= 0:
                continue  # p = 0 (or rounds to 0 at this scale): no synapses, as in the reference
            w = float(d["psc"][i, j])
            exc = w >= 0
            weight = {"dist": "normal", "mean": fmt(w), "std": fmt(abs(w) * WEIGHT_REL_STD),
                      "bounds": "redraw"}
            if exc:
                weight["low"] = 0.0
            else:
                weight["high"] = 0.0
            dm = float(d["delay"][i, j])
            delay = {"dist": "normal", "mean": dm, "std": fmt(dm * DELAY_REL_STD),
                     "low": DT, "bounds": "redraw"}
            projection = {
                "name": f"{src}_{tgt}", "source": src, "target": tgt,
                "receptor": "exc" if exc else "inh",
                "connector": {"type": "fixed_total_number", "n": n, "autapses": True},
                "weight": weight, "delay": delay,
            }
            if plastic and exc:
                weight["high"] = fmt(PLASTIC_W_MAX * w)
                projection["plasticity"] = [
                    {"rule": "stdp", "params": {"lambda": PLASTIC_LAMBDA, "alpha": 1.0, "mu_plus": 1.0, "mu_minus": 1.0,
                                                "W_max": fmt(PLASTIC_W_MAX * w), "D": dm}},
                    {"rule": "synaptic_scaling", "params": {"target_rate": float(FULL_MEAN_RATES[i]),
                                                            "tau_a": 10000.0, "update_interval": 1000.0}},
                ]
            projections.append(projection)

    stimuli = []
    if background == "poisson":
        for i, name in enumerate(POPS):
            stimuli.append({"type": "poisson", "target": name, "rate": BG_RATE,
                            "sources": int(d["ext_indegrees"][i]), "weight": fmt(d["psc_ext"]),
                            "receptor": "exc"})

    recorders = [{"type": "spikes", "population": p} for p in POPS]

    scale_txt = ("full scale" if n_scale == 1 and k_scale == 1 else
                 f"scaled: neuron numbers x{n_scale:g}, synapse numbers (in-degrees) x{k_scale:g}")
    total_syn = int(d["num_synapses"].sum())
    desc = [
        f"Potjans & Diesmann (2014, Cereb Cortex 24:785) cortical microcircuit, {scale_txt}; "
        f"{int(d['num_neurons'].sum())} neurons, {total_syn} synapses. Generated by "
        f"tools/make_potjans_diesmann.py --n-scale {n_scale:g} --k-scale {k_scale:g} "
        f"--background {background} --duration {duration:g} --seed {seed}{' --plastic' if plastic else ''}; do not edit by hand. "
        f"Source of every value: reference implementation {REF} (network_params.py, network.py, helpers.py). "
        "Units: ms, mV, pA, pF, Hz.",
        "run: dt 0.1 ms (sim_resolution); duration = t_presim 500 ms + t_sim 1000 ms: engram has no "
        "pre-simulation, so discard spikes before 500 ms when analysing (the reference measures rates "
        "over its 1000 ms after the 500 ms warm-up); seed 55 = the reference rng_seed (engram's random "
        "streams differ from NEST's, so the realisation differs).",
        "populations: L23E L23I L4E L4I L5E L5I L6E L6I with N = round(N_full * n_scale), "
        "N_full = 20683 5834 21915 5479 4850 1065 14395 2948 (full_num_neurons); model lif_curr_exp = "
        "NEST iaf_psc_exp: C_m 250 pF, tau_m 10 ms, E_L -65 mV, V_th -50 mV, V_reset -65 mV, t_ref 2 ms, "
        "tau_syn 0.5 ms for both ports (neuron_params); initial v normal, no bounds, per-population "
        "'optimized' V0 means -68.28 -63.16 -63.33 -63.45 -63.11 -61.66 -66.72 -61.43 mV and SDs "
        "5.36 4.57 4.74 4.94 4.94 4.55 5.46 4.48 mV (V0_type 'optimized').",
        "I_e (pA) = background: "
        + ("DC replacing the Poisson background (bg_input_type 'dc', the reference default), "
           "helpers.dc_input_compensating_poisson: bg_rate 8 Hz * K_ext * PSC_ext * tau_syn * 0.001, "
           "K_ext = 1600 1500 2100 1900 2000 1900 2900 2100 (full-scale K_ext even when scaled), "
           f"PSC_ext = 0.15 mV * {d['psc_over_psp']:.4f} pA/mV = {PSP_EXC_MEAN * d['psc_over_psp']:.4f} pA"
           if background == "dc" else
           "0 (Poisson background in stimuli instead)")
        + ("; plus the K-scaling compensation of helpers.adjust_weights_and_input_to_synapse_scaling: "
           "0.001 * tau_syn * (1 - sqrt(k_scale)) * sum_j PSC_ij * (Q_full_ij / N_full_i) * nu_j, with "
           "nu = full_mean_rates 0.903 2.965 4.414 5.876 7.569 8.633 1.105 7.829 Hz (the reference's "
           "own full-scale run)" + (" and the same term for the Poisson input" if background == "poisson" else "")
           if k_scale != 1 else "")
        + ".",
        "projections: one per (source, target) pair with p > 0, named SOURCE_TARGET; connector "
        "fixed_total_number with n = round(Q_full * n_scale * k_scale), Q_full = ln(1 - p) / "
        "ln((N_pre N_post - 1) / (N_pre N_post)) from the full-scale N "
        "(helpers.num_synapses_from_conn_probs; conn_probs rows target, columns source), multapses and "
        "autapses allowed (NEST fixed_total_number). Weights (pA) normal with mean PSC = PSP * "
        f"{d['psc_over_psp']:.4f} pA/mV (helpers.postsynaptic_potential_to_current with C_m, tau_m, "
        "tau_syn), PSP 0.15 mV (PSP_exc_mean) for excitatory sources, g = -4 times that for inhibitory "
        "sources (port inh, negative weights), 0.30 mV for L4E -> L23E (PSP_matrix_mean[0, 2] doubled), "
        "SD = 0.1 * |mean| (weight_rel_std), redrawn to keep the sign (nest.math.redraw min 0 / max 0)"
        + (f", all divided by sqrt(k_scale) = {math.sqrt(k_scale):.6g} "
           "(helpers.adjust_weights_and_input_to_synapse_scaling)" if k_scale != 1 else "")
        + ". Delays normal with mean 1.5 ms from excitatory and 0.75 ms from inhibitory sources "
        "(delay_exc_mean, delay_inh_mean), SD 0.5 * mean (delay_rel_std), redrawn below 0.1 ms; the "
        "reference redraws below 0.05 ms and NEST rounds to the 0.1 ms grid, so there draws in "
        "[0.05, 0.1) ms become 0.1 ms while here they are redrawn (1.1% of inhibitory and 0.4% of "
        "excitatory draws; the share of 0.1 ms delays drops from 2.5% to 1.4% (I) and 1.0% to 0.5% (E)).",
        ("stimuli: none (the DC background is each population's I_e)." if background == "dc" else
         "stimuli: Poisson background, per neuron round(K_ext * k_scale) independent sources at 8 Hz "
         "(bg_rate) with weight PSC_ext on port exc; the reference's 1.5 ms delay_poisson is not "
         "modelled (engram delivers Poisson input in the same step), irrelevant for stationary input."),
        "recorders: spikes of every population.",
    ] + ([
        "plastic variant (engram's, not the reference's; --plastic): every excitatory projection carries "
        f"rule stdp in NEST's multiplicative form (lambda {PLASTIC_LAMBDA}, alpha 1, mu_plus = mu_minus = 1, "
        f"W_max = {PLASTIC_W_MAX:g} x the mean weight, so the rule's equilibrium W_max / 2 is the reference mean; "
        "the weights are also redrawn above W_max), pairing at the mean delay (params.D; the delays vary per "
        "synapse), then synaptic_scaling toward the reference rate of the target population (tau_a 10 s, "
        "updates every 1 s, the default beta: 1.5x in 48 h of silence)."] if plastic else [])

    model = {
        "name": "potjans_diesmann_2014" + ("" if n_scale == 1 and k_scale == 1 else
                                           f"_scaled_{n_scale:g}" + ("" if k_scale == n_scale else f"_k{k_scale:g}"))
                + ("_poisson" if background == "poisson" else "") + ("_plastic" if plastic else ""),
        "description": " ".join(desc),
        "run": {"dt": DT, "duration": duration, "seed": seed},
        "populations": populations,
        "projections": projections,
        "stimuli": stimuli,
        "recorders": recorders,
    }
    return model, d


def write_model(model, path):
    """JSON with one population / projection / stimulus / recorder per line."""
    lines = ["{"]
    for key in ("name", "description", "run"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(model[key])},")
    lists = ("populations", "projections", "stimuli", "recorders")
    for k, key in enumerate(lists):
        items = model[key]
        end = "," if k < len(lists) - 1 else ""
        if not items:
            lines.append(f"  {json.dumps(key)}: []{end}")
            continue
        lines.append(f"  {json.dumps(key)}: [")
        for n, item in enumerate(items):
            lines.append("    " + json.dumps(item) + ("," if n < len(items) - 1 else ""))
        lines.append(f"  ]{end}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    json.loads(text)  # sanity check
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-scale", type=float, default=1.0, help="factor on neuron numbers (N_scaling), default 1")
    ap.add_argument("--k-scale", type=float, default=1.0,
                    help="factor on synapse numbers / in-degrees (K_scaling), default 1; "
                         "< 1 applies the reference's weight and DC compensation")
    ap.add_argument("--background", choices=["dc", "poisson"], default="dc",
                    help="background input: dc (reference default bg_input_type) or poisson")
    ap.add_argument("--duration", type=float, default=T_PRESIM + T_SIM,
                    help="simulated time in ms (default 1500 = 500 warm-up + 1000)")
    ap.add_argument("--seed", type=int, default=RNG_SEED, help="run.seed (default 55, the reference's)")
    ap.add_argument("--plastic", action="store_true",
                    help="STDP and synaptic scaling on every excitatory synapse (engram's plastic variant)")
    ap.add_argument("--out", help="output file (default models/networks/potjans_diesmann_2014[_scaled_...].json)")
    a = ap.parse_args()
    if not (0 < a.n_scale <= 1 and 0 < a.k_scale <= 1):
        ap.error("--n-scale and --k-scale must be in (0, 1] (the reference warns that up-scaling is untested)")

    model, d = build_model(a.n_scale, a.k_scale, a.background, a.duration, a.seed, a.plastic)
    if a.out:
        path = a.out
    else:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "networks")
        path = os.path.normpath(os.path.join(root, model["name"] + ".json"))
    write_model(model, path)
    print(f"wrote {path}: {int(d['num_neurons'].sum())} neurons, {int(d['num_synapses'].sum())} synapses, "
          f"I_e = {', '.join(f'{x:.1f}' for x in d['dc'])} pA")


if __name__ == "__main__":
    main()
