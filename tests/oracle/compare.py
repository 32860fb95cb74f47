#!/usr/bin/python3
# compare.py: how much of the time strata-cli's CPU rows agree with the oracle's
# reconstruction (strata_oracle.py), state and thread together, on kernel traces; and
# whether any switch-out that the trace proves runnable reads `blocked` in Strata's thread
# rows.
#
# Usage: compare.py [--cli PATH] [--min PERCENT] [--threads [--max-threads N]] [--verbose]
#                   [--tap] PATH...
#   PATH: a trace folder or a folder above trace folders (every CTF 1.8 kernel trace
#   below it is compared, each opened on its own); default: $STRATA_TRACES_DIR.
#   --cli: strata-cli (default: $STRATA_CLI).
#   --min: exit 1 when a trace agrees on less than PERCENT of its CPU time.
#   --threads: also check the thread rows at every switch-out proven runnable (one
#   strata-cli run a thread: --max-threads checks only the threads with the most).
#   --verbose: list the longest disagreements of each trace.
#   --tap: exit 0 whatever the outcome (meson's TAP runner reads the "ok"/"not ok" lines).
# It prints TAP. Exits 77 (skipped) when the bt2 bindings or the traces are missing, 1 when
# a check fails.
#
# Copyright 2026 The Strata authors
#
# SPDX-License-Identifier: GPL-3.0-or-later

import concurrent.futures
import json
import os
import subprocess
import sys

SKIP = 77


def reexec_with_bt2():
    """The bt2 bindings live in the system's Python; when the Python running this has
    none, run again with one that has them, or skip."""
    try:
        import bt2  # noqa: F401
        return
    except ImportError:
        pass
    for candidate in ('/usr/bin/python3', '/usr/local/bin/python3'):
        if (os.path.realpath(candidate) != os.path.realpath(sys.executable)
                and os.access(candidate, os.X_OK)
                and subprocess.run([candidate, '-c', 'import bt2'],
                                   stderr=subprocess.DEVNULL).returncode == 0):
            os.execv(candidate, [candidate] + sys.argv)
    print('1..0 # SKIP the Python bindings of libbabeltrace2 (bt2) are not installed')
    sys.exit(0 if '--tap' in sys.argv else SKIP)


def find_kernel_traces(paths):
    """Every folder below PATHS with a CTF 1.8 metadata file of a kernel trace."""
    found = []
    for path in paths:
        for folder, dirs, files in os.walk(path):
            dirs.sort()
            if 'metadata' not in files:
                continue
            with open(os.path.join(folder, 'metadata'), 'rb') as f:
                head = f.read(4)
            if head[:1] == b'\x1e':
                continue  # CTF 2: libbabeltrace2 2.0 cannot read it
            found.append(folder)
    return found


def cli_json(cli, args):
    result = subprocess.run([cli] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise RuntimeError('%s %s: %s' % (cli, ' '.join(args),
                                          result.stderr.decode(errors='replace').strip()))
    return json.loads(result.stdout)


def agreement(oracle_rows, strata_rows, begin, end):
    """Nanoseconds of [begin, end) where both say the same state and thread, and the
    disagreements as (start, end, oracle, strata). Time Strata leaves without an interval
    reads as unknown."""
    same = 0
    diffs = []
    strata = [(i['start_ns'], i['end_ns'], i['state'], i['tid']) for i in strata_rows]
    j = 0
    for o_start, o_end, o_state, o_tid in oracle_rows:
        t = max(o_start, begin)
        o_end = min(o_end, end)
        while t < o_end:
            while j < len(strata) and strata[j][1] <= t:
                j += 1
            if j < len(strata) and strata[j][0] <= t:
                s_end, s_state, s_tid = strata[j][1], strata[j][2], strata[j][3]
            else:
                s_end = strata[j][0] if j < len(strata) else o_end
                s_state, s_tid = 'unknown', None
            stop = min(o_end, s_end)
            if (o_state, o_tid) == (s_state, s_tid):
                same += stop - t
            else:
                diffs.append((t, stop, (o_state, o_tid), (s_state, s_tid)))
            t = stop
    return same, diffs


def compare_trace(cli, folder, check_threads, max_threads, verbose, jobs):
    import strata_oracle
    events, environment = strata_oracle.read_trace(folder)
    if environment.get('domain') != 'kernel':
        return None
    hostname = environment.get('hostname')
    begin, end, rows, runnable = strata_oracle.reconstruct(events, environment.get('_lost_events', False))
    if not rows:
        return None
    total = 0
    same = 0
    diffs = []

    def strata_row(cpu):
        return cpu, cli_json(cli, ['intervals', '--json', '--row', 'pcpu/%d' % cpu, folder])

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for cpu, strata in pool.map(strata_row, sorted(rows)):
            oracle = rows[cpu]
            cpu_begin = oracle[0][0] if oracle else end
            cpu_same, cpu_diffs = agreement(oracle, strata, cpu_begin, end)
            total += end - cpu_begin
            same += cpu_same
            diffs += [(cpu,) + d for d in cpu_diffs]

    result = {'trace': folder, 'total_ns': total, 'same_ns': same,
              'percent': 100.0 * same / total if total else 100.0,
              'runnable': len(runnable), 'blocked': []}
    if verbose:
        diffs.sort(key=lambda d: d[1] - d[2])
        result['worst'] = diffs[:12]
        by_kind = {}
        for cpu, start, stop, o, s in diffs:
            key = (o[0], s[0], o[1] == s[1])
            by_kind[key] = by_kind.get(key, 0) + stop - start
        result['by_kind'] = sorted(by_kind.items(), key=lambda kv: -kv[1])[:8]

    if check_threads and runnable and hostname:
        by_tid = {}
        for tid, ts, cpu, prev_state, proof in runnable:
            by_tid.setdefault(tid, []).append((ts, cpu, prev_state, proof))

        def thread_row(tid):
            return tid, cli_json(cli, ['intervals', '--json', '--row',
                                       '%s/thread/%d' % (hostname, tid), folder])

        tids = sorted(by_tid, key=lambda tid: (-len(by_tid[tid]), tid))
        if max_threads is not None:
            tids = tids[:max_threads]
        result['threads'] = len(tids)
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            for tid, intervals in pool.map(thread_row, tids):
                for ts, cpu, prev_state, proof in by_tid[tid]:
                    state = None
                    for i in intervals:
                        if i['start_ns'] <= ts < i['end_ns']:
                            state = i['state']
                            break
                    if state == 'blocked':
                        result['blocked'].append((tid, ts, cpu, prev_state, proof))
    return result


def main(argv):
    reexec_with_bt2()
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

    cli = os.environ.get('STRATA_CLI')
    minimum = None
    check_threads = False
    max_threads = None
    verbose = False
    tap = False
    paths = []
    args = iter(argv[1:])
    for arg in args:
        if arg == '--cli':
            cli = next(args)
        elif arg == '--min':
            minimum = float(next(args))
        elif arg == '--threads':
            check_threads = True
        elif arg == '--max-threads':
            max_threads = int(next(args))
        elif arg == '--tap':
            tap = True
        elif arg == '--verbose':
            verbose = True
        else:
            paths.append(arg)
    if not paths and os.environ.get('STRATA_TRACES_DIR'):
        paths.append(os.environ['STRATA_TRACES_DIR'])
    if not cli or not paths:
        sys.stderr.write('usage: compare.py [--cli STRATA_CLI] [--min PERCENT] [--threads '
                         '[--max-threads N]] [--verbose] [--tap] PATH...\n')
        return 2
    paths = [p for p in paths if os.path.isdir(p)]
    traces = find_kernel_traces(paths)
    if not traces:
        print('1..0 # SKIP no sample traces')
        return 0 if tap else SKIP

    import bt2
    jobs = max(1, min(2, os.cpu_count() or 1))
    failed = 0
    count = 0
    for folder in traces:
        try:
            result = compare_trace(cli, folder, check_threads, max_threads, verbose, jobs)
        except bt2._Error as error:
            print('# %s: not readable by libbabeltrace2: %s' % (folder, str(error).splitlines()[0]))
            continue
        if result is None:
            continue  # not a kernel trace
        count += 1
        ok = minimum is None or result['percent'] >= minimum
        if check_threads and result['blocked']:
            ok = False
        failed += not ok
        print('%s %d - %s: CPU rows agree on %.3f%% of %.3f ms%s' % (
            'ok' if ok else 'not ok', count, folder, result['percent'],
            result['total_ns'] / 1e6,
            ('; %d switch-outs proven runnable, of %d threads checked %d read blocked'
             % (result['runnable'], result.get('threads', 0), len(result['blocked'])))
            if check_threads else ''))
        for blocked in result['blocked'][:10]:
            print('#   tid %d switched out at %d on CPU %d (prev_state %d, proof: %s) '
                  'reads blocked' % blocked)
        for kind, ns in result.get('by_kind', []):
            print('#   %10.3f ms oracle %-8s strata %-8s %s' % (
                ns / 1e6, kind[0], kind[1], 'same tid' if kind[2] else 'other tid'))
        for cpu, start, stop, o, s in result.get('worst', []):
            print('#   CPU %d %d +%d ns: oracle %s %s, strata %s %s' % (
                cpu, start, stop - start, o[0], o[1], s[0], s[1]))
        sys.stdout.flush()
    print('1..%d' % count)
    return 0 if tap or not failed else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
