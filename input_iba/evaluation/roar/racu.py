"""RACU: relative area between a measure's ROAR curve and the random one."""
import numpy as np


def racu(ks, measure, random, floor=None):
    """``int (random - measure) / int (random - floor)`` over ``ks``
    (trapezoid rule). ``floor`` defaults to the random curve's last point,
    i.e. the performance with every token masked when ``ks`` ends at 100%
    (Madsen et al., 2022). 1 is the best possible, 0 is random, < 0 is
    worse than random."""
    ks, random = np.asarray(ks, np.float64), np.asarray(random, np.float64)
    floor = random[-1] if floor is None else floor
    gap = np.trapezoid(random - np.asarray(measure, np.float64), ks)
    span = np.trapezoid(random - floor, ks)
    return float(gap / span) if span > 0 else float('nan')


def racu_with_ci(ks, measure_runs, random_runs, num_bootstrap=1000, seed=0):
    """RACU of the seed-averaged curves and a 95% bootstrap interval over
    seeds (seeds resampled with replacement, each seed's measure and random
    curve kept together).

    ``measure_runs``, ``random_runs``: ``(seeds, len(ks))``, paired by row.
    """
    measure_runs = np.asarray(measure_runs, np.float64)
    random_runs = np.asarray(random_runs, np.float64)
    if measure_runs.shape != random_runs.shape:
        raise ValueError(f'The measure has curves {measure_runs.shape} but random '
                         f'{random_runs.shape}: give both for the same seeds and ks.')
    point = racu(ks, measure_runs.mean(0), random_runs.mean(0))
    rng = np.random.default_rng(seed)
    n = len(measure_runs)
    samples = np.array([
        racu(ks, measure_runs[idx].mean(0), random_runs[idx].mean(0))
        for idx in rng.integers(0, n, (num_bootstrap, n))])
    samples = samples[np.isfinite(samples)]
    low, high = (np.percentile(samples, [2.5, 97.5]) if samples.size
                 else (float('nan'), float('nan')))
    return dict(racu=point, ci95=[float(low), float(high)])
