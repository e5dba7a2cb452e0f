"""Curves of the evaluation records, averaged over samples."""
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .catalogue import metric as metric_class  # noqa: E402


def load_records(out_dir, metric):
    folder = osp.join(out_dir, metric)
    if not osp.isdir(folder):
        return []
    records = []
    for f in sorted(os.listdir(folder)):
        if f.endswith('.json'):
            with open(osp.join(folder, f)) as fh:
                records.append(json.load(fh))
    return records


def _common_grid(records, x_key, y_key):
    """``(x, curves (N, len(x)))``. Records with different x (documents of
    different lengths: fractions of their words) are interpolated onto the
    union of their x values, NaN outside each record's own range."""
    ys = [np.asarray(r[y_key], dtype=np.float64) for r in records]
    if x_key is None:
        return np.arange(1, len(ys[0]) + 1), np.array(ys)
    xs = [np.asarray(r[x_key], dtype=np.float64) for r in records]
    if all(len(x) == len(xs[0]) and np.array_equal(x, xs[0]) for x in xs):
        return xs[0], np.array(ys)
    grid = np.unique(np.concatenate(xs))
    return grid, np.array([np.interp(grid, x, y, left=np.nan, right=np.nan)
                           for x, y in zip(xs, ys)])


def plot_metric(out_dir, metric, label=None, ax=None):
    """Draw the mean curve of ``metric`` from ``out_dir``; returns the axes
    (None when the metric has no curve or no records)."""
    curve = metric_class(metric).curve
    if curve is None:
        return None
    records = load_records(out_dir, metric)
    if not records:
        return None
    x_key = curve['x']
    ax = ax or plt.subplots(figsize=(5, 3.5))[1]
    for y_key, name in curve['ys']:
        x, curves = _common_grid(records, x_key, y_key)
        ax.plot(x, np.nanmean(curves, 0),
                label=f'{label}: {name}' if label else name)
    ax.set_xlabel(curve['x_label'])
    ax.set_ylabel(curve['y_label'])
    if curve.get('log_x'):
        ax.set_xscale('log')
    ax.legend(fontsize=7)
    return ax


def save_metric_plot(out_dir, metric):
    ax = plot_metric(out_dir, metric)
    if ax is None:
        return None
    path = osp.join(out_dir, f'{metric}.png')
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=100)
    plt.close(ax.figure)
    return path
