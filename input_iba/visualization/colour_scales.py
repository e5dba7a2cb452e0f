"""The colour scale of image masks, shared by the report, the contact sheet
and the mask grid: the ``jet`` colour map with one scale per mask folder for
the whole run, so that samples compare. It runs from the folder's smallest
value to the largest :data:`TOP_PERCENTILE` percentile of one of its masks (a
few spiky pixels, as gradients have, do not darken every other sample);
values above take the top colour."""
import os.path as osp
from typing import Dict, Sequence, Tuple

import matplotlib
import numpy as np

from input_iba.utils.layout import WorkDir

#: the colour map of image masks
CMAP = 'jet'
#: the percentile of each mask whose largest value over the run tops the colour scale
TOP_PERCENTILE = 99
#: how the scale is chosen, in words (legends say it)
SCALE_NOTE = (f'{CMAP}: from the smallest value of the folder over the run to the largest '
              f'{TOP_PERCENTILE}th percentile of one of its masks; values above take the '
              'top colour.')


def run_ranges(work_dir: str, names: Sequence[str],
               folders: Sequence[str]) -> Dict[str, Tuple[float, float]]:
    """``{folder: (lo, hi)}``, the colour scale of each of ``folders`` of
    ``work_dir`` with 2-D masks: ``lo`` the smallest finite value of its
    masks over ``names``, ``hi`` the largest :data:`TOP_PERCENTILE`
    percentile of one of them."""
    ranges = {}
    for folder in folders:
        for name in names:
            path = WorkDir(work_dir).mask(name, folder)
            if not osp.isfile(path):
                continue
            mask = np.squeeze(np.load(path, mmap_mode='r'))
            finite = mask[np.isfinite(mask)]
            if mask.ndim != 2 or not finite.size:
                continue
            lo, hi = ranges.get(folder, (np.inf, -np.inf))
            ranges[folder] = (min(lo, float(finite.min())),
                              max(hi, float(np.percentile(finite, TOP_PERCENTILE))))
    return ranges


def colour_bar_css() -> str:
    """The CSS gradient of :data:`CMAP`, from the bottom of a scale (left) to
    its top."""
    stops = []
    for i in range(11):
        r, g, b, _ = matplotlib.colormaps[CMAP](i / 10)
        stops.append(f'rgb({round(r * 255)},{round(g * 255)},{round(b * 255)}) {i * 10}%')
    return 'linear-gradient(to right, ' + ', '.join(stops) + ')'
