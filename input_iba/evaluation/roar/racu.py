"""RACU: relative area between a measure's ROAR curve and the random one,
and its aggregation over seeds (ours and the reference's)."""
import numpy as np
from scipy import stats

AGGREGATIONS = ('curves', 'reference')


def racu(ks, measure, random, floor=None):
    """``int (random - measure) / int (random - floor)`` over ``ks``
    (trapezoid rule). ``floor`` defaults to the random curve's last point,
    i.e. the performance with every token masked when ``ks`` ends at 100%
    (Madsen et al., 2022). 1 is the best possible, 0 is random, < 0 is
    worse than random; NaN when the random curve never falls (no area)."""
    ks, random = np.asarray(ks, np.float64), np.asarray(random, np.float64)
    floor = random[-1] if floor is None else floor
    gap = np.trapezoid(random - np.asarray(measure, np.float64), ks)
    span = np.trapezoid(random - floor, ks)
    return float(gap / span) if span > 0 else float('nan')


def racu_with_ci(ks, measure_runs, random_runs, num_bootstrap=1000, seed=0,
                 aggregate='curves'):
    """RACU over seeds and a 95% bootstrap interval over seeds.

    ``aggregate='curves'``: RACU of the seed-averaged curves; percentile
    interval, seeds resampled with replacement (a seed's measure and random
    curve kept together). ``'reference'`` (Madsen et al.'s code): each
    seed's RACU clipped to [-1, 1], averaged over seeds; BCa interval of
    that mean (a single value when every seed agrees).

    ``measure_runs``, ``random_runs``: ``(seeds, len(ks))``, paired by row.
    """
    measure_runs = np.asarray(measure_runs, np.float64)
    random_runs = np.asarray(random_runs, np.float64)
    if measure_runs.shape != random_runs.shape:
        raise ValueError(f'The measure has curves {measure_runs.shape} but random '
                         f'{random_runs.shape}: give both for the same seeds and ks.')
    rng = np.random.default_rng(seed)
    if aggregate == 'reference':
        return _reference_aggregate(ks, measure_runs, random_runs, num_bootstrap, rng)
    if aggregate != 'curves':
        raise ValueError(f'aggregate must be one of {AGGREGATIONS}, got {aggregate!r}.')
    point = racu(ks, measure_runs.mean(0), random_runs.mean(0))
    n = len(measure_runs)
    samples = np.array([
        racu(ks, measure_runs[idx].mean(0), random_runs[idx].mean(0))
        for idx in rng.integers(0, n, (num_bootstrap, n))])
    samples = samples[np.isfinite(samples)]
    low, high = (np.percentile(samples, [2.5, 97.5]) if samples.size
                 else (float('nan'), float('nan')))
    return dict(racu=point, ci95=[float(low), float(high)])


def _reference_aggregate(ks, measure_runs, random_runs, num_bootstrap, rng):
    per_seed = np.clip([racu(ks, m, r) for m, r in zip(measure_runs, random_runs)], -1, 1)
    point = float(per_seed.mean())
    if not np.isfinite(point) or np.ptp(per_seed) == 0:
        return dict(racu=point, ci95=[point, point])  # BCa needs spread
    ci = stats.bootstrap((per_seed, ), np.mean, n_resamples=num_bootstrap,
                         method='BCa', rng=rng).confidence_interval
    return dict(racu=point, ci95=[float(ci.low), float(ci.high)])
