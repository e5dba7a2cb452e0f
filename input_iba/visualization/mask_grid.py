"""Images (rows, named with their classes and probabilities) by methods
(columns, each on one colour scale with its colour bar), each mask over its
image."""
import os.path as osp
from typing import Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.datasets import load_items  # noqa: E402
from input_iba.utils.layout import INPUT_DIR, WorkDir  # noqa: E402

from .colour_scales import CMAP, run_ranges  # noqa: E402
from .contact_sheet import add_colour_bars, sample_label  # noqa: E402


def mask_grid(work_dir: str, methods: Sequence[str], dataset, count: int,
              out_file: str) -> Optional[str]:
    """The first ``count`` images of ``dataset`` that some method of
    ``work_dir/<method>/input_masks`` explained, with those masks; rows are
    named after the first method's meta, columns get one colour scale per
    method (:mod:`.colour_scales`). Returns ``out_file``, or None when no
    image was explained or the dataset has no images (text: a page per
    document instead)."""
    def explained(name):
        return any(osp.isfile(WorkDir(osp.join(work_dir, m)).mask(name)) for m in methods)

    items = []
    for i in range(len(dataset)):
        if explained(dataset.sample_name(i)):
            items += load_items(dataset, [i], on_error=lambda *_: None)
        if len(items) == count:
            break
    if not items or 'image' not in items[0]:
        return None
    names = [item['name'] for item in items]
    ranges = [run_ranges(osp.join(work_dir, m), names, [INPUT_DIR]).get(INPUT_DIR)
              for m in methods]
    fig, axes = plt.subplots(len(items), len(methods) + 1,
                             figsize=(2.2 * (len(methods) + 1), 2.2 * len(items) + 0.6),
                             squeeze=False)
    for row, item in enumerate(items):
        axes[row, 0].imshow(item['image'])
        axes[row, 0].set_ylabel(sample_label(osp.join(work_dir, methods[0]), item['name']),
                                fontsize=7)
        for col, method in enumerate(methods, start=1):
            path = WorkDir(osp.join(work_dir, method)).mask(item['name'])
            if osp.isfile(path) and ranges[col - 1] is not None:
                lo, hi = ranges[col - 1]
                axes[row, col].imshow(item['image'])
                axes[row, col].imshow(np.squeeze(np.load(path)), cmap=CMAP, alpha=0.55,
                                      vmin=lo, vmax=hi)
            if row == 0:
                axes[row, col].set_title(method, fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    add_colour_bars(fig, axes, [None] + ranges)
    fig.savefig(out_file, dpi=70, bbox_inches='tight')
    plt.close(fig)
    return out_file
