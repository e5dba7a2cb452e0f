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
        curves = np.array([r[y_key] for r in records], dtype=np.float64)
        x = (np.asarray(records[0][x_key]) if x_key else
             np.arange(1, curves.shape[1] + 1))
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
