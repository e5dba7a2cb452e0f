"""How good an empirical explainer is (methods.md §4): its MSE and rank
correlation against the expensive target, against the mean training map,
where that MSE falls on the target's convergence curve and faithfulness next
to the target's (the pictures:
:mod:`input_iba.visualization.empirical_explainer`)."""
import copy
import time

import numpy as np
from scipy.stats import spearmanr

from input_iba.empirical_explainer.targets import sample_group_of
from input_iba.engine import attribute_dataset
from input_iba.evaluation.base import mean_ci


def attribute_samples(attributor, dataset, indices, classes, seed, batch_size):
    """``{index: map}`` (numpy, padding cut off) of ``attributor`` for the
    ``indices``, explaining ``classes[index]``, with the per-sample seeds of
    :func:`~input_iba.engine.attribution_store.explain_dataset`."""
    out = {}

    def keep(index, attributed, row):
        out[index] = attributed.mask(row).numpy()

    attribute_dataset(attributor, dataset, indices, batch_size, keep, seed=seed,
                      targets=classes)
    return out


def group_mean_ci(values, dataset):
    """:func:`~input_iba.evaluation.base.mean_ci` over groups of samples:
    ``values`` (``{index: value}``) averaged per ``dataset.sample_group`` (the
    crops of one photo), so that the interval counts independent sources,
    not correlated copies; ``n`` is the number of groups (of samples, for a
    dataset without groups)."""
    group_of = sample_group_of(dataset)
    groups = {}
    for i, v in values.items():
        groups.setdefault(group_of(i), []).append(v)
    return mean_ci([float(np.mean(v)) for v in groups.values()])


def sample_mse(maps, targets, scales=None):
    """Per-sample MSE of ``maps[i] / scales[i]`` against the normalised
    ``targets[i]`` (scales: the targets' own, for raw maps of the expensive
    method; None for an explainer, which predicts normalised maps)."""
    return {i: float(np.mean((np.asarray(m, np.float64) / (scales[i] if scales else 1.0)
                              - targets[i].numpy())**2)) for i, m in maps.items()}


def sample_spearman(maps, targets):
    """Per-sample Spearman rank correlation of ``maps[i]`` with ``targets[i]``
    over its positions (ties share their mean rank; 0 where either map is
    constant, e.g. a constant predictor)."""
    out = {}
    for i, m in maps.items():
        a, b = np.ravel(m).astype(np.float64), targets[i].numpy().ravel().astype(np.float64)
        n = min(len(a), len(b))
        if n < 2 or np.ptp(a[:n]) == 0 or np.ptp(b[:n]) == 0:
            out[i] = 0.0
        else:
            out[i] = float(spearmanr(a[:n], b[:n]).statistic)
    return out


def position_prior(targets, indices):
    """The mean target map over ``indices`` (e.g. the training split), per
    position: the best a map that ignores the sample can do. Text maps of
    different lengths are averaged per word position."""
    maps = [targets[i].numpy() for i in indices]
    if all(m.shape == maps[0].shape for m in maps):
        return np.mean(maps, 0)
    longest = max(len(m) for m in maps)
    total, count = np.zeros(longest), np.zeros(longest)
    for m in maps:
        total[:len(m)] += m
        count[:len(m)] += 1
    return total / count


def prior_maps(prior, indices, targets):
    """The prior map cut to each sample's positions."""
    return {i: prior[tuple(slice(0, s) for s in targets[i].shape)] for i in indices}


def set_key(cfg, dotted, value):
    """A copy of the dict ``cfg`` with ``cfg[a][b]... = value`` for
    ``dotted = 'a.b...'`` (missing levels are created)."""
    cfg = copy.deepcopy(cfg)
    node = cfg
    *parents, last = dotted.split('.')
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return cfg


def convergence_curve(build, key, values, dataset, indices, classes, targets, scales,
                      seed, batch_size):
    """The expensive method run with ``key`` (e.g. ``'steps'`` of Integrated
    Gradients, ``'input_iba.steps'`` of InputIBA) set to each of ``values``:
    per value, the MSE against the target (mean, CI) and seconds per sample.
    ``build(key, value)`` returns the attributor."""
    curve = []
    for value in values:
        attributor = build(key, value)
        start = time.perf_counter()
        maps = attribute_samples(attributor, dataset, indices, classes, seed, batch_size)
        seconds = (time.perf_counter() - start) / len(indices)
        mses = sample_mse(maps, targets, scales)
        curve.append(dict(value=value, mse=mean_ci(list(mses.values())),
                          seconds_per_sample=seconds))
    return curve


def place_on_curve(mse, curve):
    """Where ``mse`` falls on a convergence curve: the (linearly
    interpolated) setting at which the expensive method gets as close to its
    target. ``None`` when the explainer is closer than every point (it lies
    between the last setting and the target itself); ``curve[0]['value']``
    when it is no closer than the first point."""
    values = [p['value'] for p in curve]
    mses = [p['mse']['mean'] for p in curve]
    for k, m in enumerate(mses):
        if m <= mse:
            if k == 0:
                return dict(equivalent=values[0], bracket=[None, values[0]])
            lo, hi = mses[k - 1], m
            frac = (lo - mse) / (lo - hi) if lo > hi else 1.0
            return dict(equivalent=values[k - 1] + frac * (values[k] - values[k - 1]),
                        bracket=[values[k - 1], values[k]])
    return dict(equivalent=None, bracket=[values[-1], None])


def faithfulness(evaluator, dataset, maps, classes):
    """``evaluator``'s summary keys (mean and CI over samples) for the
    ``maps`` ``{index: map}`` of the given classes."""
    records = [evaluator.evaluate_sample(dataset[i], np.asarray(m), classes[i])
               for i, m in maps.items()]
    return {k: mean_ci([r[k] for r in records]) for k in evaluator.summary_keys}
