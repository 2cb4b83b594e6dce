#!/usr/bin/python3
"""Runs an engram model file in Brian 2 (cpp_standalone): the subset the Potjans & Diesmann
(2014) microcircuit uses (tools/make_potjans_diesmann.py), so that both simulators run the
same description side by side (bench/pd14_vs_brian2.py).

Supported: populations of `lif_curr_exp` (NEST iaf_psc_exp: exact integration, v clamped
during refractoriness while the currents decay), initial `v` constant, uniform or normal;
projections with `fixed_total_number` (multapses; autapses allowed or not) or
`fixed_indegree`, weights and delays constant or normal with low/high bounds (redraw or
clip); stimuli `poisson` (PoissonInput on the receptor's current) and `dc` without a time
window; `I_e` as a parameter. Anything else raises ValueError naming it.

Connectivity, initial values and Poisson input come from NumPy's and Brian's generators, so
the network is a statistically equivalent instance of the file's, not engram's own.
Run with /usr/bin/python3 (Debian's Brian 2.5.1).
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_models as bm  # noqa: E402  (shared set-up, timers and spike statistics)


def _draw(dist, n, rng, what):
    """n values of an engram distribution (a number or {"dist": ...})."""
    if isinstance(dist, (int, float)):
        return np.full(n, float(dist))
    kind = dist.get('dist')
    lo, hi = dist.get('low', -np.inf), dist.get('high', np.inf)
    if kind == 'uniform':
        return rng.uniform(dist['low'], dist['high'], n)
    if kind != 'normal':
        raise ValueError(f'{what}: distribution {kind!r} is not supported here')
    v = rng.normal(dist['mean'], dist['std'], n)
    if dist.get('bounds', 'clip') == 'redraw':
        bad = (v < lo) | (v > hi)
        while bad.any():
            v[bad] = rng.normal(dist['mean'], dist['std'], int(bad.sum()))
            bad = (v < lo) | (v > hi)
    return np.clip(v, lo, hi)


def _pairs(conn, n_pre, n_post, same, rng, what):
    kind = conn['type']
    autapses = conn.get('autapses', True) or not same
    if kind == 'fixed_total_number':
        n = int(conn['n'])
        i = rng.integers(0, n_pre, n)
        j = rng.integers(0, n_post, n)
        while not autapses and (i == j).any():
            bad = i == j
            i[bad] = rng.integers(0, n_pre, int(bad.sum()))
            j[bad] = rng.integers(0, n_post, int(bad.sum()))
        return i, j
    if kind == 'fixed_indegree' and conn.get('multapses', True):
        return bm._fixed_indegree_arrays(n_pre, n_post, int(conn['indegree']), rng, autapses, True)
    raise ValueError(f'{what}: connector {kind!r} is not supported here')


def run_file(path, duration_ms=None, seed=None, threads=1, t_start_ms=0.0, directory=None):
    """Builds and runs the model file in Brian 2; returns rates_hz and cv_mean per population
    (over [t_start_ms, duration]), synapses, timing (as brian2_models.run_model) and the
    Brian version."""
    import json
    m = json.load(open(path))
    dt = float(m['run'].get('dt', 0.1))
    duration_ms = float(duration_ms if duration_ms is not None else m['run']['duration'])
    seed = int(seed if seed is not None else m['run'].get('seed', 1))
    steps = int(round(duration_ms / dt))
    b2 = bm._setup('cpp_standalone', threads, seed, dt, None)
    ms, mV, pA, pF, Hz = b2.ms, b2.mV, b2.pA, b2.pF, b2.Hz
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    eqs = '''
    dv/dt = -(v - E_L)/tau_m + (I_exc + I_inh + I_e + I_dc)/C_m : volt (unless refractory)
    dI_exc/dt = -I_exc/tau_syn_exc : amp
    dI_inh/dt = -I_inh/tau_syn_inh : amp
    I_dc : amp
    '''
    groups, objs = {}, []
    for p in m['populations']:
        if p['model'] != 'lif_curr_exp':
            raise ValueError(f"population {p['name']}: model {p['model']!r} is not supported here")
        q = p.get('params', {})
        ns = {'E_L': q['E_L'] * mV, 'tau_m': q['tau_m'] * ms, 'C_m': q['C_m'] * pF,
              'tau_syn_exc': q['tau_syn_exc'] * ms, 'tau_syn_inh': q['tau_syn_inh'] * ms,
              'I_e': q.get('I_e', 0.0) * pA, 'V_th': q['V_th'] * mV, 'V_reset': q['V_reset'] * mV}
        G = b2.NeuronGroup(p['size'], eqs, threshold='v > V_th', reset='v = V_reset',
                           refractory=q['t_ref'] * ms, method='exact', namespace=ns, name=p['name'])
        G.v = _draw(p.get('initial', {}).get('v', q['E_L']), p['size'], rng, p['name'] + '.initial.v') * mV
        groups[p['name']] = G
    objs.extend(groups.values())
    n_syn = 0
    for k, pr in enumerate(m['projections']):
        what = f'projections[{k}]'
        if pr.get('plasticity'):
            raise ValueError(f'{what}: plastic projections are not supported here')
        pre, post = groups[pr['source']], groups[pr['target']]
        var = {'exc': 'I_exc', 'inh': 'I_inh'}[pr['receptor']]
        i, j = _pairs(pr['connector'], pre.N, post.N, pr['source'] == pr['target'], rng, what)
        S = b2.Synapses(pre, post, model='w : amp', on_pre=f'{var}_post += w', name=f'syn_{k}')
        S.connect(i=i.astype(np.int32), j=j.astype(np.int32))
        S.w = _draw(pr['weight'], i.size, rng, what + '.weight') * pA
        S.delay = _draw(pr['delay'], i.size, rng, what + '.delay') * ms
        n_syn += int(i.size)
        objs.append(S)
    for k, st in enumerate(m.get('stimuli', [])):
        G = groups[st['target']]
        if st.get('neurons') or st.get('start', 0.0) != 0.0 or st.get('stop', -1.0) >= 0:
            raise ValueError(f'stimuli[{k}]: neuron selections and time windows are not supported here')
        if st['type'] == 'poisson':
            var = {'exc': 'I_exc', 'inh': 'I_inh'}[st['receptor']]
            objs.append(b2.PoissonInput(G, var, N=int(st.get('sources', 1)), rate=float(st['rate']) * Hz,
                                        weight=float(st['weight']) * pA))
        elif st['type'] == 'dc':
            G.I_dc = float(st['amplitude']) * pA
        else:
            raise ValueError(f"stimuli[{k}]: type {st['type']!r} is not supported here")
    mons = {name: b2.SpikeMonitor(G, name=f'spikes_{name}') for name, G in groups.items()}
    objs.extend(mons.values())
    net = b2.Network(*objs)
    directory = directory or os.path.join(bm.tempfile.gettempdir(), 'engram-brian2',
                                          os.path.splitext(os.path.basename(path))[0])
    os.makedirs(directory, exist_ok=True)
    timing = bm.standalone_run(b2, net, steps * dt, directory, t0)
    timing['real_time_factor'] = timing['simulate_s'] / (steps * dt / 1000.0)
    timing['build_s'] = timing['construct_s'] + timing['codegen_s'] + timing['compile_s'] + timing['init_s']
    res = {'rates_hz': {}, 'cv_mean': {}, 'synapses': n_syn, 'timing': timing, 'threads': threads,
           'brian2_version': b2.__version__, 'seed': seed, 'duration_ms': steps * dt}
    for name, mon in mons.items():
        s = bm.spike_stats(bm.engram_spikes(mon, dt), groups[name].N, t_start_ms, steps * dt)
        res['rates_hz'][name], res['cv_mean'][name] = s['rate_hz'], s['cv_mean']
    return res


if __name__ == '__main__':
    import json
    r = run_file(sys.argv[1], *(float(x) for x in sys.argv[2:3]))
    print(json.dumps({k: v for k, v in r.items()}, indent=1))
