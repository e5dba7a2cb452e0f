"""Images (rows) by methods (columns), each mask over its image."""
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.datasets import load_items  # noqa: E402
from input_iba.utils.layout import INPUT_DIR  # noqa: E402


def mask_grid(work_dir, methods, dataset, count, out_file):
    """The first ``count`` loadable images of ``dataset`` with the masks of
    ``work_dir/<method>/input_masks``; returns ``out_file``, or None for
    datasets without images (text), which get no grid."""
    items = []
    for i in range(len(dataset)):
        items += load_items(dataset, [i], on_error=lambda *_: None)
        if len(items) == count:
            break
    if not items or 'image' not in items[0]:
        return None  # text runs have an HTML page per document instead
    count = len(items)
    fig, axes = plt.subplots(count, len(methods) + 1,
                             figsize=(2.2 * (len(methods) + 1), 2.2 * count),
                             squeeze=False)
    for row, item in enumerate(items):
        axes[row, 0].imshow(item['image'])
        for col, method in enumerate(methods, start=1):
            path = osp.join(work_dir, method, INPUT_DIR, item['name'] + '.npy')
            if osp.isfile(path):
                axes[row, col].imshow(item['image'])
                axes[row, col].imshow(np.load(path), cmap='jet', alpha=0.55)
            if row == 0:
                axes[row, col].set_title(method, fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(out_file, dpi=70)
    plt.close(fig)
    return out_file
