#!/usr/bin/python3
"""P-NET-2: compare an engram COBA run with the Brian 2 seed-to-seed reference.

    /usr/bin/python3 tests/reference/compare_coba.py ENGRAM_OUT_DIR --reference REF.json
    /usr/bin/python3 tests/reference/compare_coba.py ENGRAM_OUT_DIR            # runs Brian now

ENGRAM_OUT_DIR is the folder written by `engram run coba.json --out DIR`
(manifest.json, spikes_E.npy, spikes_I.npy with dtype [('t','<f8'),('i','<i4')]).
REF.json is written by `tests/reference/brian2_models.py coba --seeds ... --out REF.json`
(>= 2 seeds; protocols.md asks for >= 5).  If --reference is missing or the
file does not exist, the reference is computed now with Brian 2 for the
engram run's duration (and written to --reference if given, as a cache).

Checks (protocols.md P-NET-2), for each population (E and I):
  * rate: engram's mean rate lies in [min * (1 - m), max * (1 + m)] of the
    Brian seeds' mean rates, m = --rate-margin (0.10);
  * CV(ISI): the KS distance between engram's per-neuron CV(ISI) values
    and the Brian values pooled over seeds is below the largest pairwise KS
    distance between two Brian seeds (the reference's own seed-to-seed
    distance).  The mean pairwise distance is printed for information.
Rates and CVs use the analysis window (t_start_ms, duration_ms] stored in
the reference; CV = std/mean of the ISIs of neurons with >= 3 spikes.

Exit status: 0 pass, 1 fail (or unreadable input), 77 when the Brian
reference has to be computed and brian2 cannot be imported (ctest: SKIP).
"""

import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import brian2_models as bm  # noqa: E402  (does not import brian2 itself)

PASS, FAIL, SKIP = 0, 1, bm.SKIP_EXIT


def ks_statistic(a, b):
    """Two-sample KS statistic; scipy's when importable, else the numpy one."""
    try:
        from scipy.stats import ks_2samp
    except Exception:
        return bm.ks_2samp(a, b)
    if len(a) == 0 or len(b) == 0:
        return 1.0
    return float(ks_2samp(a, b).statistic)


def load_engram(out_dir, pops):
    with open(os.path.join(out_dir, 'manifest.json')) as f:
        man = json.load(f)
    duration = float(man.get('duration', man.get('model', {}).get('run', {}).get('duration', 'nan')))
    sizes, spikes = {}, {}
    for p in pops:
        info = man.get('populations', {}).get(p)
        if info is None:
            raise ValueError(f'population {p!r} not in {out_dir}/manifest.json')
        sizes[p] = int(info['size'])
        arr = np.load(os.path.join(out_dir, f'spikes_{p}.npy'))
        if arr.dtype.names is None or not {'t', 'i'} <= set(arr.dtype.names):
            raise ValueError(f'spikes_{p}.npy has dtype {arr.dtype}, expected [("t","<f8"),("i","<i4")]')
        spikes[p] = arr
    return man, duration, sizes, spikes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('engram_out', help='engram output folder')
    ap.add_argument('--reference', help='Brian 2 reference JSON (read; written if absent)')
    ap.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5],
                    help='Brian seeds when the reference is computed now (default 1-5)')
    ap.add_argument('--target', default='cpp_standalone', choices=bm.TARGETS)
    ap.add_argument('--directory', help='Brian cpp_standalone build directory')
    ap.add_argument('--t-start', type=float, default=0.0,
                    help='analysis window start (ms) when the reference is computed now')
    ap.add_argument('--rate-margin', type=float, default=0.10)
    ap.add_argument('--json-out', help='write the numbers of the comparison here')
    args = ap.parse_args(argv)

    pops = ['E', 'I']
    try:
        man, duration, sizes, spikes = load_engram(args.engram_out, pops)
    except Exception as e:
        print(f'P-NET-2 FAIL: cannot read engram output {args.engram_out}: {e}')
        return FAIL

    ref = None
    if args.reference and os.path.exists(args.reference):
        with open(args.reference) as f:
            ref = json.load(f)
    else:
        try:
            bm.import_brian()
        except bm.BrianUnavailable as e:
            print(f'P-NET-2 SKIP: no reference JSON and {e}')
            return SKIP
        ref = bm.reference_runs('coba', args.seeds, duration, args.target, args.directory,
                                sizes=(sizes['E'], sizes['I']), t_start_ms=args.t_start,
                                log=lambda s: print(s, file=sys.stderr))
        if args.reference:
            os.makedirs(os.path.dirname(os.path.abspath(args.reference)), exist_ok=True)
            with open(args.reference, 'w') as f:
                json.dump(ref, f)
                f.write('\n')

    problems = []
    if ref.get('model') != 'coba':
        problems.append(f"reference model is {ref.get('model')!r}, not 'coba'")
    if abs(float(ref['duration_ms']) - duration) > 1e-6:
        problems.append(f"reference duration {ref['duration_ms']} ms != engram duration {duration} ms "
                        f"(regenerate the reference with --duration {duration:g})")
    for p in pops:
        if int(ref['populations'][p]) != sizes[p]:
            problems.append(f"size of {p}: reference {ref['populations'][p]} != engram {sizes[p]}")
    seeds = ref['seeds']
    if len(seeds) < 2:
        problems.append(f'reference has {len(seeds)} seed(s); need >= 2 for a seed-to-seed spread')
    if problems:
        print('P-NET-2 FAIL: ' + '; '.join(problems))
        return FAIL

    t0, t1 = float(ref.get('t_start_ms', 0.0)), float(ref['duration_ms'])
    m = args.rate_margin
    ok = True
    parts, record = [], {'engram_out': args.engram_out, 'reference_seeds': [s['seed'] for s in seeds],
                         'window_ms': [t0, t1], 'populations': {}}
    for p in pops:
        st = bm.spike_stats(spikes[p], sizes[p], t0, t1)
        brian_rates = np.array([s['rates_hz'][p] for s in seeds], float)
        lo, hi = brian_rates.min() * (1 - m), brian_rates.max() * (1 + m)
        rate_ok = bool(lo <= st['rate_hz'] <= hi)

        brian_cv = [np.asarray([x for x in s['cv'][p] if x is not None], float) for s in seeds]
        pooled = np.concatenate(brian_cv)
        ks_e = ks_statistic(st['cv'], pooled)
        pair = [ks_statistic(a, b) for k, a in enumerate(brian_cv) for b in brian_cv[k + 1:]]
        ks_thr, ks_mean = max(pair), float(np.mean(pair))
        ks_ok = bool(ks_e < ks_thr)
        ok = ok and rate_ok and ks_ok

        cv_b = np.array([s['cv_mean'][p] for s in seeds if s['cv_mean'][p] is not None], float)
        print(f"{p}: rate engram {st['rate_hz']:.3f} Hz, Brian {brian_rates.min():.3f}-{brian_rates.max():.3f} Hz "
              f"({len(seeds)} seeds), allowed [{lo:.3f}, {hi:.3f}] -> {'ok' if rate_ok else 'FAIL'}; "
              f"mean CV engram {st['cv_mean']:.3f} ({st['n_cv']} neurons), Brian "
              f"{cv_b.min() if cv_b.size else float('nan'):.3f}-{cv_b.max() if cv_b.size else float('nan'):.3f}; "
              f"KS(CV) engram-vs-Brian {ks_e:.4f}, Brian seed-to-seed max {ks_thr:.4f} (mean {ks_mean:.4f}) "
              f"-> {'ok' if ks_ok else 'FAIL'}")
        parts.append(f"{p} rate {st['rate_hz']:.2f} Hz in [{lo:.2f}, {hi:.2f}] {'ok' if rate_ok else 'NO'}, "
                     f"KS(CV) {ks_e:.3f} < {ks_thr:.3f} {'ok' if ks_ok else 'NO'}")
        record['populations'][p] = {
            'engram_rate_hz': st['rate_hz'], 'brian_rate_min': float(brian_rates.min()),
            'brian_rate_max': float(brian_rates.max()), 'allowed': [lo, hi], 'rate_ok': rate_ok,
            'engram_cv_mean': st['cv_mean'], 'engram_n_cv': st['n_cv'],
            'ks_engram_vs_brian': ks_e, 'ks_brian_pairwise_max': ks_thr,
            'ks_brian_pairwise_mean': ks_mean, 'ks_ok': ks_ok}
    record['pass'] = ok
    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump(record, f, indent=1)
            f.write('\n')
    print(f"P-NET-2 {'PASS' if ok else 'FAIL'}: " + '; '.join(parts) +
          f" (Brian {ref.get('brian2_version')} {ref.get('target')}, {len(seeds)} seeds, "
          f"{t1:g} ms, engram seed {man.get('seed')})")
    return PASS if ok else FAIL


if __name__ == '__main__':
    sys.exit(main())
