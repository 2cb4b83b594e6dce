#!/usr/bin/python3
"""Brian 2 reference implementations of engram's benchmark networks.

Run with Debian's interpreter, /usr/bin/python3 (it has Brian 2.5.1); the
``python3`` first on PATH may not have Brian.

Networks (parameters in engram's units: ms, mV, nS, pA, pF, Hz):

* ``coba``   - Vogels & Abbott 2005 / Brette et al. 2007 benchmark 1
               (models.md M1.1, protocols.md P-NET-2).
* ``brunel`` - Brunel 2000 model A, fixed in-degree (M1.2, P-NET-1).
* ``cuba``   - Brian 2 ``examples/CUBA.py`` (Brette et al. 2007 benchmark 2).

Each ``run_*`` function builds the network in Brian 2, runs it and returns a
dict (see ``_finish``) with per-population mean rates, mean CV(ISI), the
per-neuron CV values, timings and the spike arrays.  The same parameter
tables also generate engram model files (``engram_model_*``), so that the
Brian and engram networks come from one source.

Conventions shared with engram (scratch/spec.md):

* Spike times are returned in ms as the *end* of the step in which the
  threshold was crossed, i.e. Brian's spike time + dt (Brian reports the
  start of the step).  ``spikes[pop]`` uses engram's dtype
  ``[('t','<f8'),('i','<i4')]``.
* Rates and CV(ISI) are computed over ``[t_start_ms, duration_ms]``; CV is
  std/mean of the ISIs (ddof=0) of neurons with >= 3 spikes in that window.
* Input arriving during refractoriness is discarded in the delta-synapse
  (Brunel) model, as in NEST iaf_psc_delta and engram ``lif_delta``.  For
  the conductance and current models the synaptic variables keep integrating
  during refractoriness (only v is clamped), as in NEST and Brian.

Seeds and cpp_standalone rebuilds: the seed enters the generated code only
through one ``rk_seed(...)`` line in main.cpp, and numpy-generated
connectivity (fixed in-degree) goes to binary static-array files.  Re-using
one build directory per network structure (``directory`` argument; the CLI
default is ``$TMPDIR/engram-brian2/<model>-<sizes>``) therefore rebuilds a
new seed by recompiling main.cpp only and relinking (Brian rewrites only the
files whose content changed and make tracks header dependencies).

CLI (exit status 77 if brian2 cannot be imported, for ctest's SKIP):

    /usr/bin/python3 tests/reference/brian2_models.py coba --seeds 1 2 3 --duration 1000 --out ref.json
    /usr/bin/python3 tests/reference/brian2_models.py brunel --g 5 --eta 2 --seeds 1 --duration 1000 --out b.json
    /usr/bin/python3 tests/reference/brian2_models.py engram-model coba --out coba.json
"""

import argparse
import datetime
import gc
import itertools
import json
import os
import socket
import sys
import tempfile
import time
import warnings

try:
    import numpy as np
except ImportError as _e:  # the reference stack is missing: ctest SKIP
    if __name__ == '__main__':
        print(f'SKIP: numpy not importable with {sys.executable}: {_e}')
        sys.exit(77)
    raise

SKIP_EXIT = 77
SPIKE_DTYPE = np.dtype([('t', '<f8'), ('i', '<i4')])
DT_MS = 0.1

# ---------------------------------------------------------------------------
# Parameter tables (engram units).  Keys of the *_NEURON dicts are engram
# parameter names of the corresponding engram neuron model.
# ---------------------------------------------------------------------------

COBA_NEURON = dict(C_m=200.0, g_L=10.0, E_L=-60.0, V_th=-50.0, V_reset=-60.0,
                   t_ref=5.0, E_AMPA=0.0, E_GABA_A=-80.0, tau_AMPA=5.0,
                   tau_GABA_A=10.0, I_e=0.0)
COBA_NET = dict(N_E=3200, N_I=800, p=0.02, w_e=6.0, w_i=67.0, delay=0.1,
                v0=(-60.0, -50.0),            # uniform low, high (mV)
                g_AMPA0=(40.0, 15.0),         # normal mean, std (nS), clipped at 0
                g_GABA_A0=(200.0, 120.0))     # normal mean, std (nS), clipped at 0

BRUNEL_NEURON = dict(tau_m=20.0, C_m=250.0, E_L=0.0, V_th=20.0, V_reset=10.0,
                     t_ref=2.0, I_e=0.0)
BRUNEL_NET = dict(N_E=10000, N_I=2500, C_E=1000, C_I=250, C_ext=1000, J=0.1,
                  D=1.5, v0=(10.0, 20.0))
# panels of Brunel 2000 Fig. 8 (g, eta), as in Brian2 examples/frompapers/Brunel_2000.py
BRUNEL_PANELS = {'A': (3.0, 2.0), 'B': (6.0, 4.0), 'C': (5.0, 2.0), 'D': (4.5, 0.9)}

# Brian2 examples/CUBA.py; engram lif_curr_exp with weights in pA = mV * C_m / tau_m
CUBA_NEURON = dict(C_m=250.0, tau_m=20.0, E_L=-49.0, V_th=-50.0, V_reset=-60.0,
                   t_ref=5.0, tau_syn_exc=5.0, tau_syn_inh=10.0, I_e=0.0)
CUBA_NET = dict(N_E=3200, N_I=800, p=0.02, w_e_mV=60 * 0.27 / 10,
                w_i_mV=-20 * 4.5 / 10, delay=0.1, v0=(-60.0, -50.0))

MODELS = ('coba', 'brunel', 'cuba')
TARGETS = ('cpp_standalone', 'numpy', 'cython')


def nu_thr_hz(net=BRUNEL_NET, neuron=BRUNEL_NEURON):
    """Brunel's threshold rate theta / (J C_E tau), in Hz (10 Hz for J = 0.1 mV)."""
    return (neuron['V_th'] - neuron['E_L']) / (net['J'] * net['C_E'] * neuron['tau_m']) * 1000.0


# ---------------------------------------------------------------------------
# Network descriptions (pure Python/numpy; no brian2 needed)
# ---------------------------------------------------------------------------

def _scaled(n, scale):
    return max(1, int(round(n * scale)))


def describe(model, n_scale=1.0, sizes=None, indegree=None, g=5.0, eta=2.0, background=None):
    """Return a plain description of the network shared by the Brian and the
    engram builders: {'populations': {name: size}, 'projections': [...],
    'stimuli': [...]}.

    sizes: optional (N_E, N_I) overriding n_scale.  indegree: optional
    (K_E, K_I) -> fixed in-degree connectivity (multapses allowed, no
    autapses) instead of fixed probability (COBA, CUBA).  Brunel is always
    fixed in-degree; its in-degrees are kept when N is scaled.
    background: optional (sources, rate_hz) for COBA/CUBA: every neuron gets
    `sources` independent Poisson inputs at rate_hz on the excitatory
    receptor with the excitatory weight (not part of the published
    benchmarks, which are self-sustained; see bench/README.md).
    """
    if model == 'coba':
        net = COBA_NET
    elif model == 'cuba':
        net = CUBA_NET
    elif model == 'brunel':
        net = BRUNEL_NET
    else:
        raise ValueError(f'unknown model {model!r}; known: {MODELS}')
    if sizes is not None:
        n_e, n_i = int(sizes[0]), int(sizes[1])
    else:
        n_e, n_i = _scaled(net['N_E'], n_scale), _scaled(net['N_I'], n_scale)
    d = {'model': model, 'populations': {'E': n_e, 'I': n_i}, 'projections': [], 'stimuli': []}

    def proj(src, tgt, receptor, weight, delay, conn):
        d['projections'].append(dict(source=src, target=tgt, receptor=receptor,
                                     weight=weight, delay=delay, connector=conn))

    if model == 'brunel':
        d['g'], d['eta'] = float(g), float(eta)
        k_e, k_i = (net['C_E'], net['C_I']) if indegree is None else indegree
        for tgt in ('E', 'I'):
            # NEST brunel_delta_nest and the P-NET-1 reference runs: fixed in-degree,
            # autapses and multapses allowed (NEST and engram defaults)
            proj('E', tgt, 'delta', net['J'], net['D'],
                 dict(type='fixed_indegree', indegree=int(k_e), autapses=True, multapses=True))
            proj('I', tgt, 'delta', -g * net['J'], net['D'],
                 dict(type='fixed_indegree', indegree=int(k_i), autapses=True, multapses=True))
        rate = eta * nu_thr_hz()
        for tgt in ('E', 'I'):
            d['stimuli'].append(dict(type='poisson', target=tgt, rate=rate,
                                     sources=net['C_ext'], weight=net['J'], receptor='delta'))
        return d

    if model == 'coba':
        exc, inh = ('AMPA', net['w_e']), ('GABA_A', net['w_i'])
        autapses = False       # Brette et al. 2007 / NEST coba.py: no autapses
    else:  # cuba: weights in pA for engram; Brian example connects with autapses
        f = CUBA_NEURON['C_m'] / CUBA_NEURON['tau_m']
        exc, inh = ('exc', net['w_e_mV'] * f), ('inh', net['w_i_mV'] * f)
        autapses = True
    for src, (rec, w) in (('E', exc), ('I', inh)):
        for tgt in ('E', 'I'):
            if indegree is None:
                conn = dict(type='fixed_probability', p=net['p'])
            else:
                k = indegree[0] if src == 'E' else indegree[1]
                conn = dict(type='fixed_indegree', indegree=int(k), multapses=True)
            if src == tgt:
                conn['autapses'] = autapses
            proj(src, tgt, rec, w, net['delay'], conn)
    if background is not None:
        d['background'] = [int(background[0]), float(background[1])]
        for tgt in ('E', 'I'):
            d['stimuli'].append(dict(type='poisson', target=tgt, rate=float(background[1]),
                                     sources=int(background[0]), weight=exc[1], receptor=exc[0]))
    return d


def expected_synapses(desc):
    """Expected number of synapses (exact for fixed in-degree)."""
    pops = desc['populations']
    total = 0.0
    for p in desc['projections']:
        c = p['connector']
        n_pre, n_post = pops[p['source']], pops[p['target']]
        if c['type'] == 'fixed_indegree':
            total += c['indegree'] * n_post
        elif c['type'] == 'fixed_probability':
            pairs = n_pre * n_post
            if p['source'] == p['target'] and not c.get('autapses', True):
                pairs -= n_pre
            total += c['p'] * pairs
        else:
            raise ValueError(c['type'])
    return total


def mean_outdegree(desc):
    """Mean number of outgoing synapses per neuron of each population."""
    pops = desc['populations']
    out = {name: 0.0 for name in pops}
    for p in desc['projections']:
        c = p['connector']
        n_pre, n_post = pops[p['source']], pops[p['target']]
        if c['type'] == 'fixed_indegree':
            out[p['source']] += c['indegree'] * n_post / n_pre
        else:
            excl = 1 if (p['source'] == p['target'] and not c.get('autapses', True)) else 0
            out[p['source']] += c['p'] * (n_post - excl)
    return out


# ---------------------------------------------------------------------------
# engram model files (scratch/spec.md)
# ---------------------------------------------------------------------------

def engram_model(model, n_scale=1.0, sizes=None, indegree=None, g=5.0, eta=2.0,
                 duration_ms=1000.0, seed=1, record_spikes=True, dt_ms=DT_MS, background=None):
    """engram model JSON (as a dict) for the same network as run_<model>."""
    desc = describe(model, n_scale, sizes, indegree, g, eta, background)
    if model == 'coba':
        neuron, net, nmodel = COBA_NEURON, COBA_NET, 'lif_cond_exp'
        initial = {'v': {'dist': 'uniform', 'low': net['v0'][0], 'high': net['v0'][1]},
                   'g_AMPA': {'dist': 'normal', 'mean': net['g_AMPA0'][0], 'std': net['g_AMPA0'][1],
                              'low': 0.0, 'bounds': 'clip'},
                   'g_GABA_A': {'dist': 'normal', 'mean': net['g_GABA_A0'][0],
                                'std': net['g_GABA_A0'][1], 'low': 0.0, 'bounds': 'clip'}}
        description = ('COBA benchmark (Vogels & Abbott 2005; Brette et al. 2007 benchmark 1), '
                       'self-sustained activity from random initial v and conductances')
    elif model == 'brunel':
        neuron, net, nmodel = BRUNEL_NEURON, BRUNEL_NET, 'lif_delta'
        initial = {'v': {'dist': 'uniform', 'low': net['v0'][0], 'high': net['v0'][1]}}
        description = f'Brunel 2000 model A, g={g:g}, eta={eta:g}, fixed in-degree'
    else:
        neuron, net, nmodel = CUBA_NEURON, CUBA_NET, 'lif_curr_exp'
        initial = {'v': {'dist': 'uniform', 'low': net['v0'][0], 'high': net['v0'][1]}}
        description = 'CUBA benchmark (Brian2 examples/CUBA.py; Brette et al. 2007 benchmark 2)'
    pops = [{'name': name, 'model': nmodel, 'size': n, 'params': dict(neuron), 'initial': initial}
            for name, n in desc['populations'].items()]
    projs = []
    for p in desc['projections']:
        projs.append({'name': f"{p['source']}_{p['target']}_{p['receptor']}",
                      'source': p['source'], 'target': p['target'], 'receptor': p['receptor'],
                      'connector': dict(p['connector']), 'weight': float(p['weight']),
                      'delay': float(p['delay'])})
    stims = [dict(s) for s in desc['stimuli']]
    steps = int(round(duration_ms / dt_ms))
    m = {'name': f'{model}_{sum(desc["populations"].values())}',
         'description': description,
         'run': {'dt': dt_ms, 'duration': round(steps * dt_ms, 10), 'seed': int(seed)},
         'populations': pops, 'projections': projs}
    if stims:
        m['stimuli'] = stims
    if record_spikes:
        m['recorders'] = [{'type': 'spikes', 'population': name} for name in desc['populations']]
    return m


# ---------------------------------------------------------------------------
# Spike statistics (numpy only; shared with compare_coba.py)
# ---------------------------------------------------------------------------

def cv_isi_per_neuron(t, i, n, min_spikes=3):
    """CV(ISI) of each neuron (std/mean, ddof=0); NaN where fewer than min_spikes."""
    t = np.asarray(t, dtype=np.float64)
    i = np.asarray(i, dtype=np.int64)
    cv = np.full(n, np.nan)
    if t.size == 0:
        return cv
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    isi = np.diff(t)[same]
    owner = i[1:][same]
    cnt = np.bincount(owner, minlength=n).astype(np.float64)
    s = np.bincount(owner, weights=isi, minlength=n)
    with np.errstate(invalid='ignore', divide='ignore'):
        mean = s / cnt
        dev = isi - mean[owner]
        var = np.bincount(owner, weights=dev * dev, minlength=n) / cnt
        ok = cnt >= (min_spikes - 1)
        cv[ok] = np.sqrt(var[ok]) / mean[ok]
    return cv


def spike_stats(spikes, n, t_start_ms, t_stop_ms):
    """rate (Hz, mean over all n neurons), per-neuron CV array, mean CV, n_cv."""
    t, i = spikes['t'], spikes['i']
    sel = (t > t_start_ms) & (t <= t_stop_ms)
    t, i = t[sel], i[sel]
    span_s = (t_stop_ms - t_start_ms) / 1000.0
    rate = float(t.size / (n * span_s)) if n > 0 and span_s > 0 else float('nan')
    cv = cv_isi_per_neuron(t, i, n)
    valid = cv[np.isfinite(cv)]
    return {'rate_hz': rate, 'spikes': int(t.size), 'cv': valid,
            'cv_mean': float(valid.mean()) if valid.size else float('nan'),
            'n_cv': int(valid.size)}


SUSTAINED_MIN_HZ = 1.0


def sustained(spikes_by_pop, sizes, duration_ms, min_rate_hz=SUSTAINED_MIN_HZ):
    """True if every population still fires at >= min_rate_hz in the last quarter
    of the run.  COBA started from Brette's random initial state dies out within
    ~35 ms in about 40% of the network realizations (Brian 2.5.1: 35 of 84
    seeds; engram 0.1.0: 26 of 60); such runs must not enter the seed-to-seed
    spread."""
    t0 = 0.75 * duration_ms
    for p, n in sizes.items():
        t = spikes_by_pop[p]['t']
        if np.count_nonzero(t > t0) / (n * (duration_ms - t0) / 1000.0) < min_rate_hz:
            return False
    return True


def ks_2samp(a, b):
    """Two-sample Kolmogorov-Smirnov statistic sup|F_a - F_b| (numpy)."""
    a = np.sort(np.asarray(a, dtype=np.float64))
    b = np.sort(np.asarray(b, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        return 1.0
    x = np.concatenate([a, b])
    fa = np.searchsorted(a, x, side='right') / a.size
    fb = np.searchsorted(b, x, side='right') / b.size
    return float(np.max(np.abs(fa - fb)))


# ---------------------------------------------------------------------------
# Brian 2 side
# ---------------------------------------------------------------------------

class BrianUnavailable(RuntimeError):
    pass


def import_brian():
    warnings.filterwarnings('ignore', category=FutureWarning)
    warnings.filterwarnings('ignore', category=DeprecationWarning)
    try:
        import brian2
    except Exception as e:  # ImportError, or a broken install
        raise BrianUnavailable(f'brian2 not importable with {sys.executable}: {e}') from e
    brian2.BrianLogger.suppress_name('resolution_conflict')
    brian2.prefs.logging.console_log_level = 'WARNING'
    return brian2


def default_directory(model, desc, tag=''):
    pops = '-'.join(f'{k}{v}' for k, v in desc['populations'].items())
    conn = desc['projections'][0]['connector']['type'] if desc['projections'] else 'none'
    if desc['projections'] and conn == 'fixed_indegree' and model != 'brunel':
        conn += '-' + '-'.join(str(p['connector']['indegree']) for p in desc['projections'][::2])
    if desc.get('background'):
        conn += '-bg'
    base = os.path.join(tempfile.gettempdir(), 'engram-brian2')
    return os.path.join(base, f'{model}-{pops}-{conn}{tag}')


# Runs Brian's ./main and records its peak resident memory (KiB) in results/maxrss_kb.txt
_RSS_WRAPPER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(['./main'] + sys.argv[1:])\n"
    "_, status, ru = os.wait4(p.pid, 0)\n"
    "open('results/maxrss_kb.txt', 'w').write(str(ru.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n")


def _setup(target, threads, seed, dt_ms, make_jobs, measure_rss=False):
    if target not in TARGETS:
        raise ValueError(f'target must be one of {TARGETS}, not {target!r}')
    b2 = import_brian()
    # Drop the objects of a previous standalone build (the device keeps its code
    # objects alive): otherwise Brian appends _1 to the new code objects' names,
    # the file list in the makefile changes and make recompiles everything.
    from brian2.devices.device import all_devices
    all_devices['cpp_standalone'].reinit()
    gc.collect()
    if target == 'cpp_standalone':
        b2.set_device('cpp_standalone', build_on_run=False)
        b2.device.activate(build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
        jobs = make_jobs or os.cpu_count() or 1
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{jobs}']
        if measure_rss:
            b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, '-c', _RSS_WRAPPER]
    else:
        b2.set_device('runtime')
        b2.prefs.codegen.target = target
    b2.defaultclock.dt = dt_ms * b2.ms
    b2.seed(int(seed))
    return b2


def _fixed_indegree_arrays(n_pre, n_post, k, rng, autapses, multapses):
    """(i, j) int32 arrays: every target j gets k sources."""
    j = np.repeat(np.arange(n_post, dtype=np.int32), k)
    if multapses:
        if autapses:
            i = rng.integers(0, n_pre, size=n_post * k, dtype=np.int64)
        else:
            if n_pre < 2:
                raise ValueError('no source available without autapses')
            i = rng.integers(0, n_pre - 1, size=n_post * k, dtype=np.int64)
            i += (i >= j)          # skip j itself: uniform over the other n_pre - 1
        return i.astype(np.int32), j
    out = np.empty(n_post * k, dtype=np.int32)
    for post in range(n_post):
        if autapses:
            src = rng.choice(n_pre, size=k, replace=False)
        else:
            src = rng.choice(n_pre - 1, size=k, replace=False)
            src += (src >= post)
        out[post * k:(post + 1) * k] = src
    return out, j


def _connect(b2, syn, proj, same_pop, rng):
    c = proj['connector']
    if c['type'] == 'fixed_probability':
        if same_pop and not c.get('autapses', True):
            syn.connect(condition='i != j', p=c['p'])
        else:
            syn.connect(p=c['p'])
        return None
    if c['type'] == 'fixed_indegree':
        n_pre, n_post = syn.source.N, syn.target.N
        i, j = _fixed_indegree_arrays(n_pre, n_post, int(c['indegree']), rng,
                                      c.get('autapses', True) or not same_pop,
                                      c.get('multapses', True))
        syn.connect(i=i, j=j)
        return int(i.size)
    raise ValueError(c['type'])


def _build_network(b2, model, desc, record_spikes, rng):
    ms, mV, nS, Hz = b2.ms, b2.mV, b2.nS, b2.Hz
    pops = desc['populations']
    groups, objs = {}, []
    if model == 'coba':
        p, net = COBA_NEURON, COBA_NET
        ns = {'C_m': p['C_m'] * b2.pF, 'g_L': p['g_L'] * nS, 'E_L': p['E_L'] * mV,
              'E_AMPA': p['E_AMPA'] * mV, 'E_GABA_A': p['E_GABA_A'] * mV,
              'tau_AMPA': p['tau_AMPA'] * ms, 'tau_GABA_A': p['tau_GABA_A'] * ms,
              'I_e': p['I_e'] * b2.pA, 'V_th': p['V_th'] * mV, 'V_reset': p['V_reset'] * mV}
        eqs = '''
        dv/dt = (g_L*(E_L - v) + g_AMPA*(E_AMPA - v) + g_GABA_A*(E_GABA_A - v) + I_e)/C_m : volt (unless refractory)
        dg_AMPA/dt = -g_AMPA/tau_AMPA : siemens
        dg_GABA_A/dt = -g_GABA_A/tau_GABA_A : siemens
        '''
        for name, n in pops.items():
            G = b2.NeuronGroup(n, eqs, threshold='v > V_th', reset='v = V_reset',
                               refractory=p['t_ref'] * ms, method='exponential_euler',
                               namespace=ns, name=name)
            lo, hi = net['v0']
            G.v = f'({lo} + rand()*{hi - lo})*mV'
            m, s = net['g_AMPA0']
            G.g_AMPA = f'clip({m} + {s}*randn(), 0, inf)*nS'
            m, s = net['g_GABA_A0']
            G.g_GABA_A = f'clip({m} + {s}*randn(), 0, inf)*nS'
            groups[name] = G
        on_pre = lambda pr: f"g_{pr['receptor']}_post += w_syn"
        wunit = nS
    elif model == 'cuba':
        p, net = CUBA_NEURON, CUBA_NET
        ns = {'tau_m': p['tau_m'] * ms, 'E_L': p['E_L'] * mV, 'V_th': p['V_th'] * mV,
              'V_reset': p['V_reset'] * mV, 'tau_e': p['tau_syn_exc'] * ms,
              'tau_i': p['tau_syn_inh'] * ms}
        eqs = '''
        dv/dt = (ge + gi - (v - E_L))/tau_m : volt (unless refractory)
        dge/dt = -ge/tau_e : volt
        dgi/dt = -gi/tau_i : volt
        '''
        for name, n in pops.items():
            G = b2.NeuronGroup(n, eqs, threshold='v > V_th', reset='v = V_reset',
                               refractory=p['t_ref'] * ms, method='exact',
                               namespace=ns, name=name)
            lo, hi = net['v0']
            G.v = f'({lo} + rand()*{hi - lo})*mV'
            groups[name] = G
        # engram weights are pA; Brian CUBA uses the equivalent voltage jumps
        f = p['C_m'] / p['tau_m']
        on_pre = lambda pr: ('ge' if pr['receptor'] == 'exc' else 'gi') + '_post += w_syn'
        wunit = mV / f
    else:  # brunel
        p, net = BRUNEL_NEURON, BRUNEL_NET
        ns = {'tau_m': p['tau_m'] * ms, 'E_L': p['E_L'] * mV, 'V_th': p['V_th'] * mV,
              'V_reset': p['V_reset'] * mV}
        eqs = 'dv/dt = -(v - E_L)/tau_m : volt (unless refractory)'
        for name, n in pops.items():
            G = b2.NeuronGroup(n, eqs, threshold='v > V_th', reset='v = V_reset',
                               refractory=p['t_ref'] * ms, method='exact',
                               namespace=ns, name=name)
            lo, hi = net['v0']
            G.v = f'({lo} + rand()*{hi - lo})*mV'
            groups[name] = G
        # NEST iaf_psc_delta / engram lif_delta: input during refractoriness is discarded
        on_pre = lambda pr: 'v_post += w_syn*int(not_refractory_post)'
        wunit = mV
    objs.extend(groups.values())

    n_syn_known = 0
    all_known = True
    syns = []
    for k, pr in enumerate(desc['projections']):
        name = f"{pr['source']}_{pr['target']}_{pr['receptor']}"
        S = b2.Synapses(groups[pr['source']], groups[pr['target']], on_pre=on_pre(pr),
                        delay=pr['delay'] * ms, namespace={'w_syn': pr['weight'] * wunit},
                        name=name)
        n = _connect(b2, S, pr, pr['source'] == pr['target'], rng)
        if n is None:
            all_known = False
        else:
            n_syn_known += n
        syns.append(S)
    objs.extend(syns)
    for st in desc['stimuli']:
        G = groups[st['target']]
        rec = st['receptor']
        if rec == 'delta':      # discarded during refractoriness, like the synapses
            var, w = 'v', f"{st['weight']}*mV*int(not_refractory)"
        elif model == 'coba':   # conductances integrate during refractoriness
            var, w = f'g_{rec}', st['weight'] * nS
        else:                   # cuba: pA -> equivalent voltage jump
            var, w = ('ge' if rec == 'exc' else 'gi'), st['weight'] * wunit
        objs.append(b2.PoissonInput(G, var, N=int(st['sources']), rate=st['rate'] * Hz, weight=w))
    mons = {name: b2.SpikeMonitor(G, record=record_spikes, name=f'spikes_{name}')
            for name, G in groups.items()}
    objs.extend(mons.values())
    return b2.Network(*objs), groups, syns, mons, (n_syn_known if all_known else None)


def standalone_run(b2, net, duration_ms, directory, t_wall0, clean=False):
    """Runs `net` for duration_ms in cpp_standalone, built in `directory`; returns the times of
    its phases (s): construct_s (Python, since t_wall0), codegen_s, compile_s, init_s (the
    binary's set-up) and simulate_s (the time-step loop, Brian's own timer)."""
    net.run(duration_ms * b2.ms, report=None)
    t1 = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=True, clean=clean, with_output=False)
    t2 = time.perf_counter()
    tm = b2.device.timers
    make_s = (tm['compile'].get('make') or 0.0) + (tm['compile'].get('clean') or 0.0)
    run_bin = tm.get('run_binary') or 0.0
    sim = float(b2.device._last_run_time)
    return dict(construct_s=t1 - t_wall0, codegen_s=(t2 - t1) - make_s - run_bin,
                compile_s=make_s, init_s=run_bin - sim, simulate_s=sim)


def engram_spikes(mon, dt_ms):
    """A SpikeMonitor's spikes in engram's dtype and convention: t = end of the step in which
    the threshold was crossed (Brian reports its start)."""
    sp = np.empty(int(mon.num_spikes), dtype=SPIKE_DTYPE)
    sp['t'] = np.round(np.asarray(mon.t_[:]) * 1000.0 / dt_ms + 1.0) * dt_ms
    sp['i'] = np.asarray(mon.i[:], dtype=np.int32)
    return sp


def run_model(model, n_scale=1.0, duration_ms=1000.0, seed=1, target='cpp_standalone',
              directory=None, *, sizes=None, indegree=None, g=5.0, eta=2.0, threads=1,
              record_spikes=True, t_start_ms=0.0, clean=False, dt_ms=DT_MS, make_jobs=None,
              background=None, measure_rss=False):
    """Build and run one network in Brian 2; see the module docstring.

    Returns a dict with keys: model, target, seed, duration_ms, dt_ms,
    t_start_ms, populations {name: size}, synapses, rates_hz {pop: Hz},
    cv_mean {pop}, n_cv {pop}, cv {pop: per-neuron CV array (neurons with
    >= 3 spikes)}, spike_counts {pop}, spikes {pop: structured array or None
    if record_spikes is False}, last_spike_ms {pop}, sustained (bool, see
    sustained(); only with record_spikes), timing {construct_s, codegen_s, compile_s,
    init_s, simulate_s, build_s, total_s, real_time_factor}, directory,
    brian2_version.  build_s = everything before the time-step loop
    (network construction in Python, code generation, compilation, and
    in the binary: allocation, connectivity and initial values);
    peak_rss_bytes: peak resident memory of Brian's binary (cpp_standalone
    with measure_rss=True, else None);
    simulate_s = the time-step loop only (Brian's own timer);
    real_time_factor = simulate_s / biological time (lower is faster).
    """
    desc = describe(model, n_scale, sizes, indegree, g, eta, background)
    steps = int(round(duration_ms / dt_ms))
    duration_ms = steps * dt_ms
    b2 = _setup(target, threads, seed, dt_ms, make_jobs, measure_rss and target == 'cpp_standalone')
    t_wall0 = time.perf_counter()
    rng = np.random.default_rng(int(seed))
    net, groups, syns, mons, n_syn = _build_network(b2, model, desc, record_spikes, rng)
    timing = {}
    if target == 'cpp_standalone':
        if directory is None:
            directory = default_directory(model, desc)
        os.makedirs(directory, exist_ok=True)
        timing.update(standalone_run(b2, net, steps * dt_ms, directory, t_wall0, clean))
        sim = timing['simulate_s']
        rss_file = os.path.join(directory, 'results', 'maxrss_kb.txt')
        if measure_rss and os.path.exists(rss_file):
            with open(rss_file) as f:
                peak_rss_bytes = int(f.read().strip()) * 1024
            os.remove(rss_file)
        else:
            peak_rss_bytes = None
    else:
        peak_rss_bytes = None
        t1 = time.perf_counter()
        net.run(steps * dt_ms * b2.ms, report=None)
        t2 = time.perf_counter()
        sim = float(b2.device._last_run_time)
        timing.update(construct_s=t1 - t_wall0, codegen_s=(t2 - t1) - sim, compile_s=0.0,
                      init_s=0.0, simulate_s=sim)
    timing['build_s'] = sum(timing[k] for k in ('construct_s', 'codegen_s', 'compile_s', 'init_s'))
    timing['real_time_factor'] = sim / (duration_ms / 1000.0)

    if n_syn is None:
        n_syn = int(sum(len(S) for S in syns))
    res = {'model': model, 'target': target, 'seed': int(seed), 'threads': int(threads),
           'duration_ms': duration_ms, 'dt_ms': dt_ms, 't_start_ms': float(t_start_ms),
           'populations': dict(desc['populations']), 'synapses': n_syn,
           'description': desc, 'rates_hz': {}, 'cv_mean': {}, 'n_cv': {}, 'cv': {},
           'spike_counts': {}, 'spikes': {}, 'last_spike_ms': {}, 'directory': directory,
           'peak_rss_bytes': peak_rss_bytes,
           'brian2_version': b2.__version__}
    if model == 'brunel':
        res['g'], res['eta'] = float(g), float(eta)
    for name, mon in mons.items():
        n = groups[name].N
        count = np.asarray(mon.count[:], dtype=np.int64)
        res['spike_counts'][name] = int(count.sum())
        if record_spikes:
            sp = engram_spikes(mon, dt_ms)
            res['spikes'][name] = sp
            st = spike_stats(sp, n, t_start_ms, duration_ms)
            res['rates_hz'][name] = st['rate_hz']
            res['cv'][name] = st['cv']
            res['cv_mean'][name] = st['cv_mean']
            res['n_cv'][name] = st['n_cv']
            res['last_spike_ms'][name] = float(sp['t'].max()) if sp.size else None
        else:
            res['spikes'][name] = None
            res['rates_hz'][name] = res['spike_counts'][name] / (n * duration_ms / 1000.0)
    if record_spikes:
        res['sustained'] = sustained(res['spikes'], res['populations'], duration_ms)
    timing['total_s'] = time.perf_counter() - t_wall0
    res['timing'] = timing
    del net, groups, syns, mons
    gc.collect()
    return res


def run_coba(n_scale=1.0, duration_ms=1000.0, seed=1, target='cpp_standalone', directory=None, **kw):
    """COBA (P-NET-2). kw: sizes=(N_E, N_I), indegree=(K_E, K_I) for fixed in-degree, threads, ..."""
    return run_model('coba', n_scale, duration_ms, seed, target, directory, **kw)


def run_brunel(g=5.0, eta=2.0, n_scale=1.0, duration_ms=1000.0, seed=1, target='cpp_standalone',
               directory=None, **kw):
    """Brunel 2000 model A (P-NET-1); in-degrees C_E, C_I kept when N is scaled."""
    return run_model('brunel', n_scale, duration_ms, seed, target, directory, g=g, eta=eta, **kw)


def run_cuba(n_scale=1.0, duration_ms=1000.0, seed=1, target='cpp_standalone', directory=None, **kw):
    """CUBA (Brian2 examples/CUBA.py)."""
    return run_model('cuba', n_scale, duration_ms, seed, target, directory, **kw)


# ---------------------------------------------------------------------------
# Multi-seed reference and CLI
# ---------------------------------------------------------------------------

def _r(x, nd=6):
    return float(f'{x:.{nd}g}') if np.isfinite(x) else None


def seed_spread(per_seed, pops):
    """min/max/mean/std of rates and mean CVs over the sustained seeds; pairwise
    KS of their CV distributions."""
    all_seeds = per_seed
    per_seed = [s for s in per_seed if s.get('sustained', True)]
    out = {'seeds_used': [s['seed'] for s in per_seed],
           'seeds_died': [s['seed'] for s in all_seeds if not s.get('sustained', True)],
           'rates_hz': {}, 'cv_mean': {}, 'ks_pairwise': {}}
    for pop in pops:
        for key in ('rates_hz', 'cv_mean'):
            v = np.array([s[key][pop] for s in per_seed if s[key].get(pop) is not None], float)
            v = v[np.isfinite(v)]
            out[key][pop] = ({'min': _r(v.min()), 'max': _r(v.max()), 'mean': _r(v.mean()),
                              'std': _r(v.std(ddof=1)) if v.size > 1 else 0.0, 'n': int(v.size)}
                             if v.size else None)
        pairs = []
        for a, b in itertools.combinations(per_seed, 2):
            pairs.append([a['seed'], b['seed'],
                          _r(ks_2samp(np.asarray(a['cv'][pop], float), np.asarray(b['cv'][pop], float)))])
        ks = np.array([p[2] for p in pairs], float)
        out['ks_pairwise'][pop] = {'pairs': pairs,
                                   'max': _r(ks.max()) if ks.size else None,
                                   'mean': _r(ks.mean()) if ks.size else None,
                                   'min': _r(ks.min()) if ks.size else None}
    return out


def reference_runs(model, seeds, duration_ms=1000.0, target='cpp_standalone', directory=None,
                   n_scale=1.0, sizes=None, indegree=None, g=5.0, eta=2.0, threads=1,
                   t_start_ms=0.0, save_spikes=None, log=print, min_sustained=None,
                   background=None):
    """Run `model` once per seed and return the JSON-able reference dict.

    min_sustained: keep adding seeds (max seed + 1, ...) until that many runs
    sustain their activity (see sustained()), at most len(seeds) + 3 *
    min_sustained runs.  Only sustained runs enter ref['spread']."""
    per_seed = []
    pops = None
    seeds = [int(x) for x in seeds]
    queue = list(seeds)
    cap = len(seeds) + 3 * (min_sustained or 0)
    n_sus = 0
    while queue:
        s = queue.pop(0)
        res = run_model(model, n_scale, duration_ms, s, target, directory, sizes=sizes,
                        indegree=indegree, g=g, eta=eta, threads=threads, t_start_ms=t_start_ms,
                        background=background)
        pops = list(res['populations'])
        tm = res['timing']
        log(f"[brian2 {model} seed {s}] " +
            ' '.join(f"{p}: {res['rates_hz'][p]:.3f} Hz CV {res['cv_mean'][p]:.3f}" for p in pops) +
            f" | build {tm['build_s']:.1f} s (compile {tm['compile_s']:.1f} s)"
            f" sim {tm['simulate_s']:.2f} s" +
            ('' if res['sustained'] else
             f" | activity died out (last spike {max(v or 0 for v in res['last_spike_ms'].values()):.1f} ms)"))
        n_sus += bool(res['sustained'])
        if save_spikes:
            d = os.path.join(save_spikes, f'seed{s}')
            os.makedirs(d, exist_ok=True)
            for p in pops:
                np.save(os.path.join(d, f'spikes_{p}.npy'), res['spikes'][p])
        per_seed.append({
            'seed': int(s), 'synapses': res['synapses'], 'sustained': bool(res['sustained']),
            'last_spike_ms': dict(res['last_spike_ms']),
            'rates_hz': {p: _r(res['rates_hz'][p]) for p in pops},
            'cv_mean': {p: _r(res['cv_mean'][p]) for p in pops},
            'n_cv': dict(res['n_cv']), 'spike_counts': dict(res['spike_counts']),
            'timing': {k2: round(v, 4) for k2, v in tm.items()},
            'directory': res['directory'],
            'cv': {p: [_r(x, 5) for x in res['cv'][p]] for p in pops}})
        first = res
        if not queue and min_sustained and n_sus < min_sustained and len(per_seed) < cap:
            queue.append(max(x['seed'] for x in per_seed) + 1)
    if min_sustained and n_sus < min_sustained:
        log(f'warning: only {n_sus} sustained runs after {len(per_seed)} seeds (wanted {min_sustained})')
    ref = {
        'kind': 'engram brian2 reference', 'model': model,
        'created': datetime.datetime.now().astimezone().isoformat(timespec='seconds'),
        'host': socket.gethostname(), 'python': sys.version.split()[0],
        'brian2_version': first['brian2_version'], 'target': target, 'threads': threads,
        'duration_ms': first['duration_ms'], 'dt_ms': first['dt_ms'], 't_start_ms': t_start_ms,
        'populations': first['populations'], 'network': first['description'],
        'spike_time_convention': 'end of step (Brian t + dt), as engram',
        'cv_definition': 'std/mean of ISIs (ddof=0), neurons with >= 3 spikes in (t_start, duration]',
        'rebuild': ('cpp_standalone: one build directory per network structure, reused for every seed; '
                    'a new seed changes only main.cpp (rk_seed) and static-array files, so make '
                    'recompiles main.cpp and relinks') if target == 'cpp_standalone' else 'runtime',
        'sustained_definition': f'every population >= {SUSTAINED_MIN_HZ} Hz in the last quarter of the run',
        'sustained_fraction': n_sus / len(per_seed),
        'seeds': per_seed,
        'spread': seed_spread(per_seed, pops)}
    if model == 'brunel':
        ref['g'], ref['eta'] = float(g), float(eta)
    return ref


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    for model in MODELS:
        sp = sub.add_parser(model, help=f'run the {model} network in Brian 2 for several seeds')
        sp.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5])
        sp.add_argument('--duration', type=float, default=1000.0, help='ms (default 1000)')
        sp.add_argument('--out', help='write the reference JSON here')
        sp.add_argument('--target', choices=TARGETS, default='cpp_standalone')
        sp.add_argument('--directory', help='cpp_standalone build directory (reused across seeds); '
                        'default $TMPDIR/engram-brian2/<model>-<sizes>-<connector>')
        sp.add_argument('--n-scale', type=float, default=1.0)
        sp.add_argument('--sizes', type=int, nargs=2, metavar=('N_E', 'N_I'))
        sp.add_argument('--indegree', type=int, nargs=2, metavar=('K_E', 'K_I'),
                        help='fixed in-degree instead of fixed probability (coba, cuba)' if model != 'brunel'
                        else 'override C_E, C_I')
        sp.add_argument('--threads', type=int, default=1, help='OpenMP threads (cpp_standalone)')
        sp.add_argument('--t-start', type=float, default=0.0, help='analysis window start (ms)')
        sp.add_argument('--save-spikes', metavar='DIR', help='write DIR/seedS/spikes_<pop>.npy')
        if model != 'brunel':
            sp.add_argument('--background', type=float, nargs=2, metavar=('SOURCES', 'RATE_HZ'),
                            help='Poisson background on the excitatory receptor (not in the benchmark)')
        sp.add_argument('--min-sustained', type=int, metavar='K',
                        help='add seeds until K runs sustain their activity (COBA dies out in '
                        'about 40%% of the seeds)')
        if model == 'brunel':
            sp.add_argument('--g', type=float, default=5.0)
            sp.add_argument('--eta', type=float, default=2.0)
            sp.add_argument('--panel', choices=sorted(BRUNEL_PANELS),
                            help='Brunel Fig. 8 panel; sets g and eta')
    em = sub.add_parser('engram-model', help='write the engram model JSON of a network')
    em.add_argument('model', choices=MODELS)
    em.add_argument('--out', required=True)
    em.add_argument('--n-scale', type=float, default=1.0)
    em.add_argument('--sizes', type=int, nargs=2, metavar=('N_E', 'N_I'))
    em.add_argument('--indegree', type=int, nargs=2, metavar=('K_E', 'K_I'))
    em.add_argument('--g', type=float, default=5.0)
    em.add_argument('--eta', type=float, default=2.0)
    em.add_argument('--duration', type=float, default=1000.0)
    em.add_argument('--seed', type=int, default=1)
    em.add_argument('--no-spikes', action='store_true', help='no spike recorders')
    em.add_argument('--background', type=float, nargs=2, metavar=('SOURCES', 'RATE_HZ'))
    args = ap.parse_args(argv)

    if args.cmd == 'engram-model':
        m = engram_model(args.model, args.n_scale, args.sizes, args.indegree, args.g, args.eta,
                         args.duration, args.seed, not args.no_spikes,
                         background=args.background)
        with open(args.out, 'w') as f:
            json.dump(m, f, indent=1)
            f.write('\n')
        return 0

    g, eta = getattr(args, 'g', 5.0), getattr(args, 'eta', 2.0)
    if getattr(args, 'panel', None):
        g, eta = BRUNEL_PANELS[args.panel]
    try:
        import_brian()
    except BrianUnavailable as e:
        print(f'SKIP: {e}')
        return SKIP_EXIT
    ref = reference_runs(args.cmd, args.seeds, args.duration, args.target, args.directory,
                         args.n_scale, args.sizes, args.indegree, g, eta, args.threads,
                         args.t_start, args.save_spikes, min_sustained=args.min_sustained,
                         background=getattr(args, 'background', None))
    sp = ref['spread']
    for pop in ref['populations']:
        r, c, k = sp['rates_hz'][pop], sp['cv_mean'][pop], sp['ks_pairwise'][pop]
        if r is None:
            print(f'{args.cmd} {pop}: no sustained run')
            continue
        print(f"{args.cmd} {pop}: rate {r['mean']} Hz [{r['min']}, {r['max']}] over {r['n']} seeds; "
              f"mean CV {c['mean'] if c else None} [{c['min'] if c else None}, {c['max'] if c else None}]; "
              f"pairwise KS(CV) mean {k['mean']} max {k['max']}")
    print(f"{args.cmd}: {len(sp['seeds_used'])} of {len(ref['seeds'])} runs sustained activity"
          + (f"; died out: seeds {sp['seeds_died']}" if sp['seeds_died'] else ''))
    if args.out:
        d = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(d, exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(ref, f)
            f.write('\n')
        print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
