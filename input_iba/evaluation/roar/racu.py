"""RACU: relative area between a measure's ROAR curve and the random one."""
import numpy as np


def racu(ks, measure, random, floor):
    """``int (random - measure) / int (random - floor)`` over ``ks``
    (trapezoid rule), where ``floor`` is the performance with every token
    masked. 1 is the best possible, 0 is random, < 0 is worse than random."""
    ks = np.asarray(ks, np.float64)
    gap = np.trapezoid(np.asarray(random) - np.asarray(measure), ks)
    span = np.trapezoid(np.asarray(random) - floor, ks)
    return float(gap / span) if span > 0 else float('nan')


def racu_with_ci(ks, measure_runs, random_runs, floor_runs, num_bootstrap=1000,
                 seed=0):
    """RACU of the seed-averaged curves and a 95% bootstrap interval over
    seeds (seeds resampled with replacement, pairing the measure's, the
    random curve's and the floor of each seed).

    ``measure_runs``, ``random_runs``: ``(seeds, len(ks))``; ``floor_runs``:
    ``(seeds, )``.
    """
    measure_runs = np.asarray(measure_runs, np.float64)
    random_runs = np.asarray(random_runs, np.float64)
    floor_runs = np.asarray(floor_runs, np.float64)
    point = racu(ks, measure_runs.mean(0), random_runs.mean(0), floor_runs.mean())
    rng = np.random.default_rng(seed)
    n = len(measure_runs)
    samples = []
    for _ in range(num_bootstrap):
        idx = rng.integers(0, n, n)
        samples.append(racu(ks, measure_runs[idx].mean(0), random_runs[idx].mean(0),
                            floor_runs[idx].mean()))
    samples = np.asarray(samples)
    samples = samples[np.isfinite(samples)]
    low, high = (np.percentile(samples, [2.5, 97.5]) if samples.size
                 else (float('nan'), float('nan')))
    return dict(racu=point, ci95=[float(low), float(high)])
