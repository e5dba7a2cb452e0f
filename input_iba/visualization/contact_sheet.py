"""A contact sheet: one row per sample (named with its explained class and
probability), one column per mask folder, each with a colour bar."""
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.utils import read_json  # noqa: E402
from input_iba.utils.layout import FEAT_DIR, GEN_DIR, INPUT_DIR, WorkDir  # noqa: E402

from .captions import class_line  # noqa: E402
from .colour_scales import CMAP, run_ranges  # noqa: E402


def add_colour_bars(fig, axes, ranges: Sequence[Optional[tuple]]) -> None:
    """Under each column of ``axes`` (rows x columns) whose scale
    ``ranges[column]`` is known, a horizontal :data:`CMAP` colour bar from
    its ``lo`` to its ``hi`` (three ticks)."""
    for col, scale in enumerate(ranges):
        if scale is None:
            continue
        bar = fig.colorbar(plt.cm.ScalarMappable(matplotlib.colors.Normalize(*scale), CMAP),
                           ax=axes[:, col].tolist(), orientation='horizontal',
                           fraction=0.04 / axes.shape[0] ** 0.5, pad=0.02, aspect=15,
                           format='%.2g')
        bar.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(3))
        bar.ax.tick_params(labelsize=7)


def sample_label(work_dir: str, name: str) -> str:
    """``name`` and, from its meta, the explained class and probability (and
    the predicted class when it differs), one a line."""
    path = WorkDir(work_dir).meta(name)
    if not osp.isfile(path):
        return name
    return name + '\n' + class_line(read_json(path, 'a sample meta'), sep='\n')


def contact_sheet(work_dir: str, images: Dict[str, np.ndarray],
                  columns: Sequence[str] = (FEAT_DIR, GEN_DIR, INPUT_DIR),
                  out_file: Optional[str] = None) -> str:
    """Draw ``images`` (``{name: uint8 HxWx3}``) beside their masks found in
    ``work_dir/<column>/<name>.npy``, each row named with its classes and
    probabilities (``meta/<name>.json``), each column on one colour scale
    for the run with its colour bar (:mod:`.colour_scales`); return the path
    of the PNG written (default ``work_dir/contact_sheet.png``)."""
    work = WorkDir(work_dir)
    columns = [c for c in columns if osp.isdir(work.masks(c))]
    names = [n for n in images if osp.isfile(work.mask(n))]
    if not names:
        raise FileNotFoundError(f'No finished masks in {work_dir}/{INPUT_DIR}.')
    ranges = run_ranges(work_dir, names, columns)
    fig, axes = plt.subplots(len(names), len(columns) + 1,
                             figsize=(2.6 * (len(columns) + 1), 2.6 * len(names) + 0.6),
                             squeeze=False)
    for row, name in enumerate(names):
        axes[row, 0].imshow(images[name])
        axes[row, 0].set_ylabel(sample_label(work_dir, name), fontsize=8)
        for col, folder in enumerate(columns, start=1):
            path = work.mask(name, folder)
            if osp.isfile(path) and folder in ranges:
                axes[row, col].imshow(images[name])
                axes[row, col].imshow(np.squeeze(np.load(path)), cmap=CMAP, alpha=0.55,
                                      vmin=ranges[folder][0], vmax=ranges[folder][1])
            if row == 0:
                axes[row, col].set_title(folder)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    add_colour_bars(fig, axes, [None] + [ranges.get(c) for c in columns])
    out_file = out_file or osp.join(work_dir, 'contact_sheet.png')
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.savefig(out_file, dpi=80, bbox_inches='tight')
    plt.close(fig)
    return out_file
