#!/usr/bin/python3
"""engram CPU benchmarks, with Brian 2 (cpp_standalone) on the same networks.

    /usr/bin/python3 bench/run_benchmarks.py --quick          # smallest sizes, 1 s each (< 3 min)
    /usr/bin/python3 bench/run_benchmarks.py                  # all sizes
    /usr/bin/python3 bench/run_benchmarks.py --models brunel --sizes 12500 --threads 2

Cases (model files generated into a temporary folder, see bench/README.md):
  coba   N = 4000, 16000, 64000 (N_E = 0.8 N): COBA neurons and weights
         (Vogels & Abbott 2005), fixed in-degree 80 E + 20 I, and a Poisson
         background of 100 x 5 Hz on AMPA per neuron (without it the network
         with fixed in-degree falls silent after ~30 ms at N >= 16000).
  brunel N = 1250, 6250, 12500 (N = 12500 x {0.1, 0.5, 1}): Brunel 2000 model A,
         g = 5, eta = 2 (AI, panel C), in-degrees 1000 / 250 kept.

For each case: `engram run MODEL --out DIR --backend cpu --threads N --quiet`,
timings from DIR/manifest.json; then (unless --no-brian or brian2 is not
importable) the same network in Brian 2 cpp_standalone, built fresh.
Writes bench/results/<date>-<host>-cpu.json and regenerates docs/benchmarks-cpu.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'tests', 'reference'))
import brian2_models as bm  # noqa: E402  (brian2 itself is imported lazily)

DEFAULT_SIZES = {'coba': [4000, 16000, 64000], 'brunel': [1250, 6250, 12500]}
QUICK_SIZES = {'coba': [4000], 'brunel': [1250]}
COBA_INDEGREE = (80, 20)
COBA_BACKGROUND = (100, 5.0)      # sources per neuron, Hz each
BRUNEL_G, BRUNEL_ETA = 5.0, 2.0
DEFAULT_ENGRAM = os.path.join(REPO, 'build', 'release', 'engram')


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def case_kwargs(model, n):
    n_e = int(round(0.8 * n))
    kw = {'sizes': (n_e, n - n_e)}
    if model == 'coba':
        kw.update(indegree=COBA_INDEGREE, background=COBA_BACKGROUND)
    elif model == 'brunel':
        kw.update(g=BRUNEL_G, eta=BRUNEL_ETA)
    else:
        raise ValueError(model)
    return kw


def case_label(model):
    if model == 'coba':
        return (f'COBA, K={COBA_INDEGREE[0]}+{COBA_INDEGREE[1]}, '
                f'bg {COBA_BACKGROUND[0]}x{COBA_BACKGROUND[1]:g} Hz')
    return f'Brunel A, g={BRUNEL_G:g}, eta={BRUNEL_ETA:g}'


def events(desc, spike_counts):
    """Synaptic events = sum over populations of spikes x mean out-degree
    (external Poisson input is not counted)."""
    out = bm.mean_outdegree(desc)
    return float(sum(spike_counts[p] * out[p] for p in out))


# ---------------------------------------------------------------------------
# machine / repository info
# ---------------------------------------------------------------------------

def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ''


def machine_info():
    cpuinfo = _read('/proc/cpuinfo')
    m = re.search(r'^model name\s*:\s*(.+)$', cpuinfo, re.M)
    cores = {(a, b) for a, b in re.findall(r'physical id\s*:\s*(\d+).*?core id\s*:\s*(\d+)',
                                           cpuinfo, re.S)}
    mem = re.search(r'^MemTotal:\s*(\d+)\s*kB', _read('/proc/meminfo'), re.M)
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    info = {'host': socket.gethostname(),
            'cpu_model': m.group(1).strip() if m else platform.processor(),
            'logical_cpus': os.cpu_count(), 'usable_cpus': affinity,
            'physical_cores': len(cores) or None,
            'memory_gib': round(int(mem.group(1)) / 2**20, 1) if mem else None,
            'os': f'{platform.system()} {platform.release()}',
            'python': sys.version.split()[0],
            'load_average_at_start': [round(x, 2) for x in os.getloadavg()]}
    try:
        info['cxx'] = subprocess.run(['g++', '--version'], capture_output=True, text=True,
                                     timeout=20).stdout.splitlines()[0]
    except Exception:
        info['cxx'] = None
    return info


def git_info():
    def git(*a):
        try:
            r = subprocess.run(['git', '-C', REPO] + list(a), capture_output=True, text=True, timeout=30)
            return r.stdout.strip() if r.returncode == 0 else None
        except Exception:
            return None
    commit = git('rev-parse', 'HEAD')
    status = git('status', '--porcelain', '--untracked-files=no')
    return {'commit': commit, 'dirty': bool(status) if status is not None else None}


def engram_info(engram):
    try:
        r = subprocess.run([engram, 'info'], capture_output=True, text=True, timeout=60)
        return (r.stdout or r.stderr).strip()[:2000]
    except Exception as e:
        return f'engram info failed: {e}'


# ---------------------------------------------------------------------------
# engram
# ---------------------------------------------------------------------------

def run_with_rss(cmd, timeout, log_path):
    """Run cmd; return (exit code, wall s, peak RSS bytes or None, output tail)."""
    t0 = time.perf_counter()
    with open(log_path, 'w') as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        rss = None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                rss = ru.ru_maxrss * 1024
                p.returncode = code
                break
            if time.perf_counter() - t0 > timeout:
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = code = 124
                break
            time.sleep(0.02)
    wall = time.perf_counter() - t0
    tail = _read(log_path)[-2000:]
    return code, wall, rss, tail


ENGRAM_EXIT = {2: 'invalid model/usage', 3: 'I/O error', 4: 'backend unavailable',
               5: 'simulation error', 124: 'timeout'}


def bytes_per_synapse(man):
    """From the manifest if engram reports it (key names are not in the spec yet)."""
    for src in (man, man.get('memory') or {}, man.get('timing') or {}):
        if not isinstance(src, dict):
            continue
        for key in ('bytes_per_synapse', 'synapse_bytes_per_synapse'):
            if isinstance(src.get(key), (int, float)):
                return float(src[key])
        for key in ('synapse_bytes', 'synapses_bytes', 'connectivity_bytes'):
            if isinstance(src.get(key), (int, float)) and man.get('synapses'):
                return float(src[key]) / float(man['synapses'])
    return None


def run_engram(engram, model_file, out_dir, threads, timeout, desc, duration_ms):
    cmd = [engram, 'run', model_file, '--out', out_dir, '--backend', 'cpu',
           '--threads', str(threads), '--quiet']
    code, wall, rss, tail = run_with_rss(cmd, timeout, out_dir + '.log')
    row = {'command': ' '.join(cmd), 'exit_code': code, 'wall_s': round(wall, 3),
           'peak_rss_bytes': rss}
    if code != 0:
        row['error'] = f"exit {code} ({ENGRAM_EXIT.get(code, 'failed')}): {tail.strip()[-600:]}"
        return row
    try:
        with open(os.path.join(out_dir, 'manifest.json')) as f:
            man = json.load(f)
    except Exception as e:
        row['error'] = f'cannot read manifest.json: {e}'
        return row
    tm = man.get('timing', {})
    pops = man.get('populations', {})
    counts = {p: int(pops[p]['spikes']) for p in pops}
    sim = float(tm['simulate_s'])
    ev = events(desc, counts)
    row.update({
        'engram_version': man.get('engram_version'), 'git_commit': man.get('git_commit'),
        'backend': man.get('backend'), 'threads': man.get('threads'),
        'build_s': float(tm['build_s']), 'simulate_s': sim,
        'real_time_factor_manifest': tm.get('real_time_factor'),
        'rtf': sim / (duration_ms / 1000.0),
        'synapses': man.get('synapses'), 'spikes': counts,
        'rates_hz': {p: pops[p].get('rate_hz') for p in pops},
        'events': ev, 'events_per_s': ev / sim if sim > 0 else None,
        'bytes_per_synapse': bytes_per_synapse(man),
        # engram's own count, where the manifest has it (not in the spec; kept for cross-checks)
        'synaptic_events_manifest': tm.get('synaptic_events'),
        'synaptic_events_per_s_manifest': tm.get('synaptic_events_per_s')})
    # engram's own peak (VmHWM): the wait4 figure also holds the size of this Python process,
    # which forked it (800 MB once Brian 2 is loaded)
    if man.get('peak_memory_bytes'):
        row['peak_rss_bytes'] = rss = int(man['peak_memory_bytes'])
    if rss and man.get('synapses'):
        row['rss_bytes_per_synapse'] = rss / float(man['synapses'])
    return row


# ---------------------------------------------------------------------------
# Brian 2
# ---------------------------------------------------------------------------

def run_brian(model, n, duration_ms, seed, threads, directory, desc):
    kw = case_kwargs(model, n)
    res = bm.run_model(model, duration_ms=duration_ms, seed=seed, target='cpp_standalone',
                       directory=directory, threads=threads, record_spikes=False,
                       measure_rss=True, clean=True, **kw)
    tm = res['timing']
    ev = events(desc, res['spike_counts'])
    row = {'target': 'cpp_standalone', 'version': res['brian2_version'], 'threads': threads,
           'build_s': tm['build_s'], 'compile_s': tm['compile_s'], 'codegen_s': tm['codegen_s'],
           'construct_s': tm['construct_s'], 'init_s': tm['init_s'],
           'simulate_s': tm['simulate_s'], 'rtf': tm['real_time_factor'],
           'synapses': res['synapses'], 'spikes': res['spike_counts'],
           'rates_hz': res['rates_hz'], 'events': ev,
           'events_per_s': ev / tm['simulate_s'] if tm['simulate_s'] > 0 else None,
           'peak_rss_bytes': res['peak_rss_bytes']}
    if res['peak_rss_bytes'] and res['synapses']:
        row['rss_bytes_per_synapse'] = res['peak_rss_bytes'] / res['synapses']
    return row


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def _f(x, fmt):
    return '–' if x is None else format(x, fmt)


def _eng(x):
    if x is None:
        return '–'
    for div, suf in ((1e9, 'G'), (1e6, 'M'), (1e3, 'k')):
        if abs(x) >= div:
            return f'{x / div:.3g}{suf}'
    return f'{x:.3g}'


def render_markdown(result, results_file, docs_file):
    m, rows = result['machine'], result['rows']
    docs_dir = os.path.dirname(os.path.abspath(docs_file))
    link = lambda path: os.path.relpath(path, docs_dir).replace(os.sep, '/')
    shown = os.path.relpath(results_file, REPO)
    if shown.startswith('..'):
        shown = results_file
    lines = [
        '# engram benchmarks',
        '',
        '<!-- generated by bench/run_benchmarks.py; do not edit by hand -->',
        '',
        f"Latest run: {result['date']} on `{m['host']}` — {m['cpu_model']}, "
        f"{m['logical_cpus']} logical CPUs ({m.get('usable_cpus')} usable), {m['memory_gib']} GiB; "
        f"load average at start {m['load_average_at_start']}.",
        f"engram {result.get('engram_version') or '?'} (commit {result['git'].get('commit') or 'none'}"
        f"{', dirty tree' if result['git'].get('dirty') else ''}), backend cpu, "
        f"{result['threads']} thread(s); "
        + (f"Brian {result['brian2_version']} cpp_standalone, {result['threads']} thread(s). "
           if result.get('brian2_version') else 'Brian 2 not run. ') +
        f"Biological time {result['duration_ms']:g} ms per case, dt 0.1 ms, seed {result['seed']}.",
        f"Raw numbers: [`{shown}`]({link(results_file)}).",
        '',
        '| model | N | synapses | engram build s | engram RTF | events/s | bytes/synapse | '
        'Brian2 RTF | ratio | rate E engram / Brian (Hz) |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ]
    for r in rows:
        e, b = r.get('engram') or {}, r.get('brian2') or {}
        if e.get('error'):
            e_cols = ['error', '–', '–', '–']
        else:
            bps = e.get('bytes_per_synapse')
            bps_s = _f(bps, '.1f') if bps is not None else (
                f"≤{e['rss_bytes_per_synapse']:.0f} (RSS)" if e.get('rss_bytes_per_synapse') else '–')
            e_cols = [_f(e.get('build_s'), '.2f'), _f(e.get('rtf'), '.3g'),
                      _eng(e.get('events_per_s')), bps_s]
        ratio = r.get('ratio')
        rate = (f"{_f((e.get('rates_hz') or {}).get('E'), '.2f')} / "
                f"{_f((b.get('rates_hz') or {}).get('E'), '.2f')}")
        if r.get('rate_mismatch'):
            rate += ' ⚠'
        syn = e.get('synapses') or b.get('synapses') or r.get('expected_synapses')
        lines.append(f"| {r['label']} | {r['N']} | {_eng(syn)} | " + ' | '.join(e_cols) +
                     f" | {_f(b.get('rtf'), '.3g') if not b.get('error') else 'error'}"
                     f" | {_f(ratio, '.2f')} | {rate} |")
    lines += [
        '',
        'Columns: *RTF* (real-time factor) = wall-clock time of the time-step loop / biological '
        'time (lower is faster; < 1 is faster than real time), for engram from the manifest\'s '
        '`simulate_s`, for Brian from its own loop timer. *events/s* = synaptic events delivered '
        'per wall-clock second of the loop, events = Σ over populations of spikes × mean '
        'out-degree (external Poisson input not counted). *bytes/synapse* from the manifest when '
        'engram reports it, otherwise an upper bound: peak RSS of the engram process / synapses. '
        '*engram build s* = manifest `build_s` (model parsing, connectivity, initial values). '
        '*ratio* = Brian loop time / engram loop time (> 1: engram faster). Brian build times '
        '(code generation + a fresh g++ compile + its own set-up) are in the JSON. ⚠ marks '
        'cases where the excitatory rates differ by more than 20%, i.e. the two simulators do '
        'not run the same dynamics and the timing comparison is void.',
        '',
        'COBA here is the Vogels–Abbott network with fixed in-degree 80 E + 20 I and a Poisson '
        f'background ({COBA_BACKGROUND[0]} sources × {COBA_BACKGROUND[1]:g} Hz per neuron, '
        'AMPA, 6 nS): the self-sustained benchmark dies out after ~30 ms at these sizes. '
        'Brunel is model A at g = 5, η = 2 (AI), in-degrees 1000 / 250 at every N. '
        'See bench/README.md.',
        '',
    ]
    rdir = os.path.dirname(os.path.abspath(results_file))
    others = sorted(f for f in os.listdir(rdir) if f.endswith('.json'))
    if len(others) > 1:
        lines += ['Other results in the same folder: ' + ', '.join(
            f'[`{f}`]({link(os.path.join(rdir, f))})' for f in others
            if f != os.path.basename(results_file)) + '.', '']
    return '\n'.join(lines)


def results_path(results_dir, date, host):
    base = os.path.join(results_dir, f'{date}-{host}-cpu')
    path, k = base + '.json', 2
    while os.path.exists(path):
        path, k = f'{base}-{k}.json', k + 1
    return path


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def parse_sizes(tokens, models):
    """'4000' applies to every model; 'coba:4000' to one."""
    out = {m: [] for m in models}
    for t in tokens:
        if ':' in t:
            m, n = t.split(':', 1)
            if m not in out:
                raise SystemExit(f'--sizes: unknown or unselected model {m!r}')
            out[m].append(int(n))
        else:
            for m in out:
                out[m].append(int(t))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split('\n\n', 1)[1])
    ap.add_argument('--quick', action='store_true',
                    help='smallest size of each model only, 1 s biological time')
    ap.add_argument('--models', nargs='+', choices=sorted(DEFAULT_SIZES), default=sorted(DEFAULT_SIZES))
    ap.add_argument('--sizes', nargs='+', metavar='[MODEL:]N',
                    help='total neuron numbers, e.g. 4000 or coba:16000 brunel:12500')
    ap.add_argument('--duration', type=float, help='biological time per case in ms (default 1000)')
    ap.add_argument('--threads', type=int, default=1, help='engram --threads and Brian OpenMP threads')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--no-brian', action='store_true', help='do not run Brian 2')
    ap.add_argument('--no-engram', action='store_true', help='Brian 2 only (testing the harness)')
    ap.add_argument('--engram', default=DEFAULT_ENGRAM, help=f'engram binary (default {DEFAULT_ENGRAM})')
    ap.add_argument('--timeout', type=float, default=3600.0, help='per engram run, s')
    ap.add_argument('--results-dir', default=os.path.join(REPO, 'bench', 'results'))
    ap.add_argument('--docs', help='markdown file to regenerate (default docs/benchmarks-cpu.md; '
                    'not written with --no-engram unless given)')
    ap.add_argument('--no-docs', action='store_true')
    ap.add_argument('--workdir', help='keep model files and outputs here (default: a temporary '
                    'folder, deleted afterwards)')
    args = ap.parse_args(argv)

    duration = args.duration or 1000.0
    if args.sizes:
        sizes = parse_sizes(args.sizes, args.models)
    else:
        sizes = {m: (QUICK_SIZES if args.quick else DEFAULT_SIZES)[m] for m in args.models}
    cases = [(m, n) for m in args.models for n in sizes[m]]
    if not cases:
        ap.error('no cases selected')

    engram = None
    if not args.no_engram:
        engram = os.path.abspath(args.engram)
        if not (os.path.isfile(engram) and os.access(engram, os.X_OK)):
            print(f'error: engram binary not found or not executable: {engram}\n'
                  f'  build it first (cmake --preset release && cmake --build --preset release),\n'
                  f'  or pass --engram PATH, or --no-engram to time Brian 2 only.', file=sys.stderr)
            return 2

    brian = not args.no_brian
    brian_version = None
    if brian:
        try:
            brian_version = bm.import_brian().__version__
        except bm.BrianUnavailable as e:
            print(f'note: {e}; running without Brian 2', file=sys.stderr)
            brian = False
    if not brian and not engram:
        print('error: nothing to run (--no-engram and no Brian 2)', file=sys.stderr)
        return 2

    work = args.workdir or tempfile.mkdtemp(prefix='engram-bench-')
    os.makedirs(work, exist_ok=True)
    now = datetime.datetime.now().astimezone()
    result = {
        'kind': 'engram benchmark', 'date': now.isoformat(timespec='seconds'),
        'machine': machine_info(), 'git': git_info(),
        'command': ' '.join([os.path.basename(sys.argv[0])] + (argv if argv is not None else sys.argv[1:])),
        'duration_ms': duration, 'dt_ms': bm.DT_MS, 'threads': args.threads, 'seed': args.seed,
        'engram_binary': engram, 'engram_info': engram_info(engram) if engram else None,
        'engram_version': None, 'brian2_version': brian_version, 'rows': []}
    failures = 0
    t_start = time.perf_counter()
    try:
        for model, n in cases:
            kw = case_kwargs(model, n)
            desc = bm.describe(model, **kw)
            row = {'model': model, 'label': case_label(model), 'N': n,
                   'populations': desc['populations'], 'duration_ms': duration,
                   'expected_synapses': bm.expected_synapses(desc),
                   'mean_outdegree': bm.mean_outdegree(desc)}
            tag = f'{model} N={n}'
            if engram:
                mfile = os.path.join(work, f'{model}_{n}.json')
                with open(mfile, 'w') as f:
                    json.dump(bm.engram_model(model, duration_ms=duration, seed=args.seed,
                                              record_spikes=False, **kw), f, indent=1)
                out = os.path.join(work, f'{model}_{n}_out')
                shutil.rmtree(out, ignore_errors=True)
                e = run_engram(engram, mfile, out, args.threads, args.timeout, desc, duration)
                row['engram'] = e
                if e.get('error'):
                    failures += 1
                    print(f'[{tag}] engram FAILED: {e["error"]}', file=sys.stderr)
                else:
                    result['engram_version'] = result['engram_version'] or e.get('engram_version')
                    print(f"[{tag}] engram: build {e['build_s']:.2f} s, sim {e['simulate_s']:.3f} s "
                          f"(RTF {e['rtf']:.3g}), {_eng(e['events_per_s'])} events/s, "
                          f"rate E {e['rates_hz'].get('E')} Hz", flush=True)
            if brian:
                try:
                    b = run_brian(model, n, duration, args.seed, args.threads,
                                  os.path.join(work, f'brian_{model}_{n}'), desc)
                    print(f"[{tag}] brian2: build {b['build_s']:.1f} s (compile {b['compile_s']:.1f} s), "
                          f"sim {b['simulate_s']:.3f} s (RTF {b['rtf']:.3g}), "
                          f"{_eng(b['events_per_s'])} events/s, rate E {b['rates_hz']['E']:.2f} Hz",
                          flush=True)
                except Exception as ex:  # keep going with the other cases
                    b = {'error': f'{type(ex).__name__}: {ex}'}
                    failures += 1
                    print(f'[{tag}] brian2 FAILED: {b["error"]}', file=sys.stderr)
                row['brian2'] = b
            e, b = row.get('engram') or {}, row.get('brian2') or {}
            if e.get('simulate_s') and b.get('simulate_s'):
                row['ratio'] = b['simulate_s'] / e['simulate_s']
                re_, rb = (e.get('rates_hz') or {}).get('E'), (b.get('rates_hz') or {}).get('E')
                if re_ is not None and rb:
                    row['rate_mismatch'] = bool(abs(re_ - rb) > 0.2 * rb)
            result['rows'].append(row)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    result['total_wall_s'] = round(time.perf_counter() - t_start, 1)

    os.makedirs(args.results_dir, exist_ok=True)
    rfile = results_path(args.results_dir, now.strftime('%Y-%m-%d'),
                         re.sub(r'[^A-Za-z0-9_.-]', '_', socket.gethostname()))
    with open(rfile, 'w') as f:
        json.dump(result, f, indent=1)
        f.write('\n')
    print(f'wrote {rfile} ({result["total_wall_s"]} s)')
    docs = args.docs or (None if args.no_engram else os.path.join(REPO, 'docs', 'benchmarks-cpu.md'))
    if docs and not args.no_docs:
        os.makedirs(os.path.dirname(os.path.abspath(docs)), exist_ok=True)
        with open(docs, 'w') as f:
            f.write(render_markdown(result, rfile, docs))
        print(f'wrote {docs}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
