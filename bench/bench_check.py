#!/usr/bin/env python3
"""Figures for `looplens check` on real code (never pass/fail; see bench/README.md).

usage: bench_check.py LOOPLENS ENGINE_BENCH CORPUS_DIR [--runs N]
Prints: the parse-only floor versus the full check (in-process, interleaved per file, median of 5),
the CLI's wall time / files/s / MB/s / peak RSS over the corpus (median of N runs, both cores),
and end-to-end wall time of one ~500-line file (median of 30 runs)."""
import os
import resource
import statistics
import subprocess
import sys
import time


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss, r.returncode


def main():
    looplens, engine_bench, corpus = sys.argv[1:4]
    runs = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 3
    files = [os.path.join(b, n) for b, _, ns in os.walk(corpus) for n in ns
             if n.endswith(('.js', '.mjs', '.cjs', '.jsx')) and 'node_modules' not in b]
    size = sum(os.path.getsize(f) for f in files)
    print(f'corpus: {len(files)} files, {size / 1e6:.1f} MB ({corpus})')
    print('--- in-process: parse-only floor vs full analysis (engine_bench, 2 threads)')
    subprocess.run([engine_bench, '--jobs', '2', '--top', '5', corpus], check=True)
    print(f'--- looplens check on the corpus (CLI, all cores, median of {runs})')
    walls, cpus, rss = [], [], 0
    for _ in range(runs):
        wall, cpu, maxrss, rc = timed([looplens, 'check', '--format', 'json', corpus])
        walls.append(wall)
        cpus.append(cpu)
        rss = max(rss, maxrss)
    w = statistics.median(walls)
    print(f'wall {w * 1000:.0f} ms (min {min(walls) * 1000:.0f}), cpu {statistics.median(cpus) * 1000:.0f} ms, '
          f'{len(files) / w:.0f} files/s, {size / 1e6 / w:.2f} MB/s, peak RSS {rss / 1024:.0f} MiB')
    one = os.path.join(corpus, 'nodemon', 'lib', 'monitor', 'run.js')
    if os.path.exists(one):
        lines = sum(1 for _ in open(one, encoding='utf-8', errors='replace'))
        t = [timed([looplens, 'check', one])[0] * 1000 for _ in range(30)]
        floor = [timed([looplens, '--version'])[0] * 1000 for _ in range(30)]
        print(f'--- one file end to end: {one} ({lines} lines)')
        print(f'median {statistics.median(t):.1f} ms (min {min(t):.1f}, max {max(t):.1f}) over 30 runs; '
              f'process start floor {statistics.median(floor):.1f} ms')


if __name__ == '__main__':
    main()
