"""A contact sheet: one row per sample, one column per mask folder."""
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.utils.layout import FEAT_DIR, INPUT_DIR  # noqa: E402


def contact_sheet(work_dir, images, columns=(FEAT_DIR, 'gen_masks', INPUT_DIR), out_file=None):
    """Draw ``images`` (``{name: uint8 HxWx3}``) beside their masks found in
    ``work_dir/<column>/<name>.npy``; return the path of the PNG written."""
    columns = [c for c in columns if osp.isdir(osp.join(work_dir, c))]
    names = [n for n in images
             if osp.isfile(osp.join(work_dir, INPUT_DIR, n + '.npy'))]
    if not names:
        raise FileNotFoundError(f'No finished masks in {work_dir}/{INPUT_DIR}.')
    fig, axes = plt.subplots(len(names), len(columns) + 1,
                             figsize=(2.6 * (len(columns) + 1), 2.6 * len(names)),
                             squeeze=False)
    for row, name in enumerate(names):
        axes[row, 0].imshow(images[name])
        axes[row, 0].set_ylabel(name)
        for col, folder in enumerate(columns, start=1):
            path = osp.join(work_dir, folder, name + '.npy')
            if osp.isfile(path):
                axes[row, col].imshow(images[name])
                axes[row, col].imshow(np.load(path), cmap='jet', alpha=0.55)
            if row == 0:
                axes[row, col].set_title(folder)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    out_file = out_file or osp.join(work_dir, 'contact_sheet.png')
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    fig.tight_layout()
    fig.savefig(out_file, dpi=80)
    plt.close(fig)
    return out_file
