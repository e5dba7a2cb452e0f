"""Image preprocessing: resize (no crop) and normalise."""
import mmcv
import numpy as np
import torch

from input_iba.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ResizeNormalize:
    """Resize an RGB uint8 image to ``size`` and normalise it to a tensor.

    Returns ``(tensor (3, H, W) float32, resized uint8 image, (sx, sy))``;
    the scales map original pixel coordinates onto the resized image.
    Defaults fit EfficientNet-Lite0 (mean = std = 0.5).
    """

    def __init__(self, size=(224, 224), mean=(0.5, 0.5, 0.5),
                 std=(0.5, 0.5, 0.5)):
        self.size = tuple(size)
        self.mean = np.asarray(mean, dtype=np.float32)
        self.std = np.asarray(std, dtype=np.float32)

    def __call__(self, image):
        if image.ndim == 2:
            image = np.stack([image] * 3, -1)
        image = image[..., :3]
        h, w = image.shape[:2]
        resized = mmcv.imresize(image, (self.size[1], self.size[0]),
                                interpolation='area')
        x = (resized.astype(np.float32) / 255 - self.mean) / self.std
        scales = (self.size[1] / w, self.size[0] / h)
        return torch.from_numpy(x.transpose(2, 0, 1).copy()), resized, scales


def build_transform(cfg):
    return TRANSFORMS.build(cfg) if isinstance(cfg, dict) else cfg
