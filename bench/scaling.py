#!/usr/bin/env python3
"""How `looplens check` time grows with the size of adversarial inputs (figures only, never pass/fail).

    python3 bench/scaling.py [LOOPLENS] [--runs N] [--only NAME,...] [--scale F] [--timeout S]
                             [--sizes NAME=N,N,...]

For each generator of bench/adversarial.py (mutual calls, minified (e,t,n) functions, handler-shaped
code, one complex regex at many call sites, deep nesting, many calls to one function) it times
`looplens check --format json FILE` at four sizes, interleaved, `--runs` times (default 5), and
prints the median time per size and the fitted exponent: the slope of log(time) against log(bytes),
fitted per run, median over the runs. 1 is linear, 2 quadratic; below 1 means a fixed cost (the
regex analysed once) dominates. Time is wall time minus the process start floor (an empty file,
median of the runs). A size whose run exceeds --timeout (default 60 s) stops that generator.
--scale multiplies every size (e.g. 0.5 on a slow machine); --sizes (repeatable) sets one generator's
sizes, e.g. to fit an older build's exponent where the default sizes take minutes."""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adversarial  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(looplens, path, timeout):
    t = time.perf_counter()
    try:
        subprocess.run([looplens, 'check', '--format', 'json', path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - t


def slope(xs, ys):
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    den = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / den if den else float('nan')


def bench_one(looplens, name, runs, scale, timeout, floor, tmp, sizes=None):
    gen, unit, default = adversarial.GENERATORS[name]
    sizes = [max(1, int(s * scale)) for s in sizes or default]
    files = []
    for n in sizes:
        src, _ = gen(n)
        path = os.path.join(tmp, f'{name}-{n}.js')
        with open(path, 'w') as f:
            f.write(src)
        files.append((n, len(src.encode()), path))
    times = {n: [] for n in sizes}
    for _ in range(runs):
        for n, _, path in files:
            if times[n] is None:
                continue
            t = timed(looplens, path, timeout)
            if t is None:  # too slow: drop this size and the larger ones
                for m in sizes:
                    if m >= n:
                        times[m] = None
                break
            times[n].append(max(t - floor, 1e-4))
    print(f'--- {name}: {" ".join(gen.__doc__.split())}')
    print(f'  {unit:>16}  {"bytes":>10}  {"median s":>9}  {"min s":>7}')
    kept = [(n, b) for n, b, _ in files if times[n]]
    for n, b, _ in files:
        if times[n]:
            print(f'  {n:>16}  {b:>10}  {statistics.median(times[n]):>9.3f}  {min(times[n]):>7.3f}')
        else:
            print(f'  {n:>16}  {b:>10}  {">" + str(timeout):>9}  (stopped)')
    if len(kept) < 2:
        print(f'  exponent {name}: n/a (fewer than two sizes finished)')
        return
    per_run = [slope([b for _, b in kept], [times[n][r] for n, _ in kept])
               for r in range(min(len(times[n]) for n, _ in kept))]
    print(f'  exponent {name}: {statistics.median(per_run):.2f} '
          f'(median of {len(per_run)} runs; min {min(per_run):.2f}, max {max(per_run):.2f})')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('looplens', nargs='?', default=os.path.join(ROOT, 'build', 'server', 'looplens'))
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--only', default=','.join(adversarial.GENERATORS))
    ap.add_argument('--scale', type=float, default=1.0)
    ap.add_argument('--timeout', type=float, default=60.0)
    ap.add_argument('--sizes', action='append', default=[], metavar='NAME=N,N,...')
    a = ap.parse_args()
    sizes = {}
    for spec in a.sizes:
        name, _, ns = spec.partition('=')
        try:
            sizes[name] = [int(n) for n in ns.split(',') if n]
        except ValueError:
            ap.error(f'--sizes {spec}: expected NAME=N,N,...')
    names = [n for n in a.only.split(',') if n]
    for n in names + list(sizes):
        if n not in adversarial.GENERATORS:
            ap.error(f'unknown generator {n}; one of {", ".join(adversarial.GENERATORS)}')
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, 'empty.js')
        open(empty, 'w').close()
        floor = statistics.median(timed(a.looplens, empty, a.timeout) for _ in range(max(a.runs, 5)))
        print(f'looplens check --format json FILE; {a.runs} runs; times minus the start floor '
              f'({floor * 1000:.1f} ms); load {os.getloadavg()[0]:.2f}')
        for n in names:
            bench_one(a.looplens, n, a.runs, a.scale, a.timeout, floor, tmp, sizes.get(n))


if __name__ == '__main__':
    main()
