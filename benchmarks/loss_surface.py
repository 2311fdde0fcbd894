"""Benchmark: the loss surface of simple linear regression, computed two ways.

* naive: every data point at every grid cell (the reference book's method), processed in
  chunks of data points so that it never holds more than ~CHUNK_CELLS numbers at once;
* sufficient statistics: five means of the data, then one quadratic per cell
  (:func:`descentkit.surfaces.loss_grid`).

For each data size N and grid size, prints the wall time and the peak extra memory
(tracemalloc, which sees numpy's allocations) of each, and the ratios. A naive run whose
estimated time exceeds NAIVE_BUDGET_S is skipped and its time estimated from the measured
throughput; the table says so. The memory the *unchunked* naive method would need (one
N x grid array of float64 for the errors, another for their squares) is shown for scale.

Run:  .venv/bin/python benchmarks/loss_surface.py   (about a minute on 2 cores)
"""

from __future__ import annotations

import functools
import time
import tracemalloc

import numpy as np

from descentkit.surfaces import loss_grid, naive_loss_grid

SIZES = [10**3, 10**5, 10**6]
GRIDS = [101, 501]
CHUNK_CELLS = 4_000_000  # numbers per naive chunk: 32 MB of float64 per array
NAIVE_BUDGET_S = 20.0  # skip (and estimate) naive runs expected to take longer
REPEATS = 3  # best of three for the fast method


def measure(func, repeats=1):
    """Best wall time over ``repeats`` runs, and the peak traced memory of one run."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, result


def human_bytes(n):
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"


def main():
    rng = np.random.default_rng(0)
    rows = []
    throughput = None  # naive cell-points per second, measured on the first run
    for n in SIZES:
        x = rng.uniform(0, 1, n)
        y = 1 + 2 * x + 0.1 * rng.standard_normal(n)
        for g in GRIDS:
            bs, ws = np.linspace(-2, 4, g), np.linspace(-1, 5, g)
            cells = g * g
            fast_t, fast_mem, fast = measure(functools.partial(loss_grid, x, y, bs, ws), REPEATS)
            chunk = max(1, CHUNK_CELLS // cells)
            unchunked_mem = 2 * 8 * n * cells
            estimate = None if throughput is None else n * cells / throughput
            if estimate is not None and estimate > NAIVE_BUDGET_S:
                naive_t = estimate
                naive_mem = None
                note = f"naive skipped: estimated {estimate:.0f} s"
            else:
                naive_t, naive_mem, naive = measure(
                    functools.partial(naive_loss_grid, x, y, bs, ws, chunk_size=chunk)
                )
                throughput = n * cells / naive_t
                np.testing.assert_allclose(fast, naive, rtol=1e-8, atol=1e-10)
                note = "results agree (rtol 1e-8)"
            rows.append((n, g, naive_t, naive_mem, unchunked_mem, fast_t, fast_mem, note))

    head = (
        f"{'N':>9} {'grid':>9} | {'naive time':>11} {'naive peak':>11} {'unchunked':>10} | "
        f"{'stats time':>10} {'stats peak':>10} | {'time ratio':>10} {'mem ratio':>9} | note"
    )
    print(head)
    print("-" * len(head))
    for n, g, nt, nm, um, ft, fm, note in rows:
        est = "~" if nm is None else " "
        naive_peak = "-" if nm is None else human_bytes(nm)
        mem_ratio = "-" if nm is None else f"{nm / fm:.0f}x"
        print(
            f"{n:>9.0e} {f'{g}x{g}':>9} | {est}{nt:>9.3f}s {naive_peak:>11} "
            f"{human_bytes(um):>10} | {ft:>9.4f}s {human_bytes(fm):>10} | {est}{nt / ft:>9.0f}x "
            f"{mem_ratio:>9} | {note}"
        )
    big = [r for r in rows if r[0] == 10**6 and r[1] == 501][0]
    ok_t, ok_m = big[5] < 1.0, big[6] < 100e6
    print(
        f"\nTarget N=1e6 on 501x501 with sufficient statistics: {big[5]:.3f} s (<1 s: {ok_t}), "
        f"{human_bytes(big[6])} peak extra memory (<100 MB: {ok_m})"
    )
    print(
        "naive peak = with chunks of data points; 'unchunked' = memory the reference book's "
        "all-points-at-once method would need (two N x grid float64 arrays)."
    )


if __name__ == "__main__":
    main()
