"""Heatmaps over images, written as PNG."""
import matplotlib
import mmcv
import numpy as np

from input_iba.registry import VISUALIZERS
from input_iba.utils import atomic_path


def heatmap_overlay(image, mask, alpha=0.5, cmap='jet'):
    """Blend ``mask`` (``H x W``, any range; min-max scaled) over ``image``
    (uint8 ``H x W x 3``); returns uint8 RGB."""
    mask = np.asarray(mask, dtype=np.float32)
    lo, hi = float(mask.min()), float(mask.max())
    scaled = (mask - lo) / (hi - lo) if hi > lo else np.zeros_like(mask)
    colours = matplotlib.colormaps[cmap](scaled)[..., :3] * 255
    if image.shape[:2] != mask.shape:
        image = mmcv.imresize(image, (mask.shape[1], mask.shape[0]))
    blended = (1 - alpha) * image.astype(np.float32) + alpha * colours
    return blended.clip(0, 255).astype(np.uint8)


def save_png(path, rgb):
    with atomic_path(path) as tmp:
        if not mmcv.imwrite(mmcv.rgb2bgr(rgb), tmp):
            raise OSError(f'could not write {path!r}')


@VISUALIZERS.register_module()
class ImageHeatmap:
    """Write ``<stem>.png``: the mask as a heatmap over the sample's image
    (the sample's ``meta``, which text pages show, is not drawn: the report
    and the contact sheet name the classes)."""

    def __init__(self, alpha=0.5, cmap='jet'):
        self.alpha, self.cmap = alpha, cmap

    def __call__(self, path_stem: str, item: dict, mask: np.ndarray, meta: dict) -> None:
        save_png(path_stem + '.png',
                 heatmap_overlay(item['image'], mask, self.alpha, self.cmap))
