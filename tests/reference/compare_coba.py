#!/usr/bin/python3
"""P-NET-2: compare an engram COBA run with the Brian 2 seed-to-seed reference.

    /usr/bin/python3 tests/reference/compare_coba.py ENGRAM_OUT_DIR --reference REF.json
    /usr/bin/python3 tests/reference/compare_coba.py ENGRAM_OUT_DIR            # runs Brian now
    /usr/bin/python3 tests/reference/compare_coba.py OUT_SEED1 OUT_SEED2 ... --reference REF.json

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
    distance) times (1 + --ks-margin).  The literal P-NET-2 criterion is
    --ks-margin 0; the default 0.5 is there because the CV distribution of a
    whole run shifts from seed to seed: a sixth Brian seed tested against
    five fails the literal criterion in ~8% of cases per population
    (measured on 16 sustained seeds, 400 draws), ~1% with margin 0.5.
    The mean pairwise distance is printed for information.
  * Activity: COBA started from random initial values dies out within
    ~35 ms in about 40% of the network realizations (Brian 2.5.1: 35 of 84
    seeds; engram 0.1.0: 26 of 60, i.e. the same).  Runs that do not
    sustain (every population >= 1 Hz in the last quarter of the run) are
    left out of the Brian spread, and an engram run
    that dies is reported and not compared; at least one engram run must
    sustain.  Pass several engram output folders (different seeds) to test
    several realizations; each sustained one must pass.
Rates and CVs use the analysis window (t_start_ms, duration_ms] stored in
the reference; CV = std/mean of the ISIs of neurons with >= 3 spikes.

Exit status: 0 pass, 1 fail (or unreadable input), 77 when the Brian
reference has to be computed and brian2 cannot be imported, or numpy is
missing (ctest: SKIP_RETURN_CODE 77).
"""

import argparse
import json
import os
import sys

try:
    import numpy as np
except ImportError as _e:  # the reference stack is missing: ctest SKIP
    if __name__ == '__main__':
        print(f'SKIP: numpy not importable with {sys.executable}: {_e}')
        sys.exit(77)
    raise

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
    ap.add_argument('engram_out', nargs='+', help='engram output folder(s), e.g. one per engram seed')
    ap.add_argument('--reference', help='Brian 2 reference JSON (read; written if absent)')
    ap.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5],
                    help='Brian seeds when the reference is computed now (default 1-5; more are '
                    'added until --min-sustained runs sustain their activity)')
    ap.add_argument('--min-sustained', type=int, default=5)
    ap.add_argument('--target', default='cpp_standalone', choices=bm.TARGETS)
    ap.add_argument('--directory', help='Brian cpp_standalone build directory')
    ap.add_argument('--t-start', type=float, default=0.0,
                    help='analysis window start (ms) when the reference is computed now')
    ap.add_argument('--rate-margin', type=float, default=0.10,
                    help='widening of the Brian rate range (default 0.10 = +-10%%)')
    ap.add_argument('--ks-margin', type=float, default=0.5,
                    help='KS threshold = (1 + margin) * largest Brian seed-to-seed KS distance. '
                    'Default 0.5: with margin 0 a further Brian seed fails ~8%% of the time per '
                    'population (measured, 5 reference seeds); with 0.5 about 1%%')
    ap.add_argument('--json-out', help='write the numbers of the comparison here')
    args = ap.parse_args(argv)

    pops = ['E', 'I']
    runs = []
    for d in args.engram_out:
        try:
            runs.append((d,) + load_engram(d, pops))
        except Exception as e:
            print(f'P-NET-2 FAIL: cannot read engram output {d}: {e}')
            return FAIL
    durations = {r[2] for r in runs}
    sizes = runs[0][3]
    if len(durations) > 1 or any(r[3] != sizes for r in runs):
        print('P-NET-2 FAIL: the engram runs differ in duration or population sizes')
        return FAIL
    duration = runs[0][2]

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
                                log=lambda s: print(s, file=sys.stderr),
                                min_sustained=args.min_sustained)
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
    all_seeds = ref['seeds']
    seeds = [s for s in all_seeds if s.get('sustained', True)]
    if len(seeds) < 2:
        problems.append(f'reference has {len(seeds)} sustained seed(s) of {len(all_seeds)}; '
                        f'need >= 2 for a seed-to-seed spread')
    if problems:
        print('P-NET-2 FAIL: ' + '; '.join(problems))
        return FAIL
    died = len(all_seeds) - len(seeds)
    brian_note = (f"Brian {ref.get('brian2_version')} {ref.get('target')}: {len(seeds)} sustained seeds"
                  + (f" ({died} of {len(all_seeds)} died out)" if died else ''))

    t0, t1 = float(ref.get('t_start_ms', 0.0)), float(ref['duration_ms'])
    m = args.rate_margin
    # reference side, computed once
    refstat = {}
    for p in pops:
        brian_rates = np.array([s['rates_hz'][p] for s in seeds], float)
        brian_cv = [np.asarray([x for x in s['cv'][p] if x is not None], float) for s in seeds]
        pair = [ks_statistic(a, b) for k, a in enumerate(brian_cv) for b in brian_cv[k + 1:]]
        cv_b = np.array([s['cv_mean'][p] for s in seeds if s['cv_mean'][p] is not None], float)
        refstat[p] = dict(rmin=brian_rates.min(), rmax=brian_rates.max(),
                          lo=brian_rates.min() * (1 - m), hi=brian_rates.max() * (1 + m),
                          pooled=np.concatenate(brian_cv), ks_max=max(pair),
                          ks_mean=float(np.mean(pair)), ks_thr=max(pair) * (1 + args.ks_margin),
                          cvmin=cv_b.min(), cvmax=cv_b.max())

    ok = True
    n_sustained = 0
    summary = []
    record = {'reference_seeds': [s['seed'] for s in seeds], 'window_ms': [t0, t1],
              'rate_margin': m, 'ks_margin': args.ks_margin, 'runs': []}
    for d, man, _, _, spikes in runs:
        tag = f"engram seed {man.get('seed')}" + (f' ({d})' if len(runs) > 1 else '')
        rec = {'engram_out': d, 'seed': man.get('seed'), 'populations': {}}
        record['runs'].append(rec)
        if not bm.sustained(spikes, sizes, duration):
            last = max((float(spikes[p]['t'].max()) if spikes[p].size else 0.0) for p in pops)
            rec['sustained'] = False
            print(f'{tag}: activity died out (last spike {last:.1f} ms); not compared. This '
                  f'happens to about 40% of Brian seeds too ({died} of {len(all_seeds)} in this '
                  f'reference); run engram with another seed.')
            summary.append(f"{tag} died out at {last:.0f} ms")
            continue
        rec['sustained'] = True
        n_sustained += 1
        parts = []
        for p in pops:
            r = refstat[p]
            st = bm.spike_stats(spikes[p], sizes[p], t0, t1)
            rate_ok = bool(r['lo'] <= st['rate_hz'] <= r['hi'])
            ks_e = ks_statistic(st['cv'], r['pooled'])
            ks_ok = bool(ks_e < r['ks_thr'])
            ok = ok and rate_ok and ks_ok
            print(f"{tag} {p}: rate {st['rate_hz']:.3f} Hz, Brian {r['rmin']:.3f}-{r['rmax']:.3f} Hz, "
                  f"allowed [{r['lo']:.3f}, {r['hi']:.3f}] -> {'ok' if rate_ok else 'FAIL'}; "
                  f"mean CV {st['cv_mean']:.3f} ({st['n_cv']} neurons), Brian {r['cvmin']:.3f}-{r['cvmax']:.3f}; "
                  f"KS(CV) vs Brian pooled {ks_e:.4f}, Brian seed-to-seed max {r['ks_max']:.4f} "
                  f"(mean {r['ks_mean']:.4f}), threshold {r['ks_thr']:.4f} -> {'ok' if ks_ok else 'FAIL'}")
            parts.append(f"{p} {st['rate_hz']:.2f} Hz in [{r['lo']:.2f}, {r['hi']:.2f}] "
                         f"{'ok' if rate_ok else 'NO'}, KS(CV) {ks_e:.3f} < {r['ks_thr']:.3f} "
                         f"{'ok' if ks_ok else 'NO'}")
            rec['populations'][p] = {
                'rate_hz': st['rate_hz'], 'allowed': [r['lo'], r['hi']],
                'brian_rate_range': [r['rmin'], r['rmax']], 'rate_ok': rate_ok,
                'cv_mean': st['cv_mean'], 'n_cv': st['n_cv'], 'ks': ks_e,
                'ks_brian_pairwise_max': r['ks_max'], 'ks_brian_pairwise_mean': r['ks_mean'],
                'ks_threshold': r['ks_thr'], 'ks_ok': ks_ok}
        summary.append(f"{tag}: " + ', '.join(parts))
    if n_sustained == 0:
        ok = False
        summary.append('no engram run sustained its activity (try another engram seed)')
    record['pass'] = ok
    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump(record, f, indent=1)
            f.write('\n')
    print(f"P-NET-2 {'PASS' if ok else 'FAIL'}: " + '; '.join(summary) +
          f" [{brian_note}, {t1:g} ms, KS margin {args.ks_margin:g}]")
    return PASS if ok else FAIL


if __name__ == '__main__':
    sys.exit(main())
