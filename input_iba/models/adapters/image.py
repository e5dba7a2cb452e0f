"""Adapter for image classifiers: ``x`` is the normalised image ``(B, C, H, W)``."""
import torch
import torch.nn.functional as F

from input_iba.models.bottlenecks import bits, smooth2d
from input_iba.models.folding import fold_batchnorm
from input_iba.registry import ADAPTERS

from .base import InputAdapter


@ADAPTERS.register_module()
class ImageAdapter(InputAdapter):
    """Args:
        channels_last: run the model in the channels-last memory layout
            (faster convolutions on CPUs with oneDNN and on tensor-core GPUs;
            measured 1.6x for EfficientNet-Lite0 forward+backward on a CPU).
        pixel_mean, pixel_std: the normalisation of the inputs (as in the
            dataset pipeline); used for the black and white baselines.
        fold_batchnorm: run a copy of the frozen model with its batch norms
            folded into the convolutions before them (the same function to
            ~1e-5 relative; measured 1.2-1.7x faster on a CPU, see
            docs/results/speed.md). The model passed in is not changed.
    """
    critic_type = 'ConvCritic'
    modality = 'image'
    default_baselines = ('black', 'white', 'mean')

    def __init__(self, channels_last=False, pixel_mean=(0.5, 0.5, 0.5),
                 pixel_std=(0.5, 0.5, 0.5), fold_batchnorm=False):
        self.memory_format = (torch.channels_last if channels_last else
                              torch.contiguous_format)
        self.pixel_mean, self.pixel_std = pixel_mean, pixel_std
        self.fold_batchnorm = fold_batchnorm

    def prepare_model(self, model):
        if self.fold_batchnorm:
            model = fold_batchnorm(model)
        return model.to(memory_format=self.memory_format)

    def forward(self, model, x, padding_mask=None):
        return model(x.contiguous(memory_format=self.memory_format))

    def smooth_input(self, lam, sigma):
        return smooth2d(lam, sigma)

    def smooth_feature(self, lam, sigma):
        return smooth2d(lam, sigma) if lam.dim() == 4 else lam

    def input_mask_to_positions(self, mask, padding_mask=None):
        return mask.mean(1)

    def capacity_to_positions(self, capacity, x, padding_mask=None):
        """Sum over channels, in bits, resized to the image; the bits of a
        feature cell are spread over the pixels it covers."""
        per_cell = bits(capacity.sum(1, keepdim=True))
        h, w = x.shape[-2:]
        scale = per_cell.shape[-2] * per_cell.shape[-1] / (h * w)
        resized = F.interpolate(per_cell, size=(h, w), mode='bilinear',
                                align_corners=False)
        return (resized * scale)[:, 0]

    def feature_mask_to_positions(self, lam, x, padding_mask=None):
        """Mean over channels, resized to the image."""
        return F.interpolate(lam.mean(1, keepdim=True), size=x.shape[-2:], mode='bilinear',
                             align_corners=False)[:, 0]

    def feature_grid(self, r):
        """``r`` itself: it must be a ``(B, C, h, w)`` feature map."""
        if r.dim() != 4:
            raise ValueError(
                f'The layer output has shape {tuple(r.shape)}, not (B, C, h, w): '
                "for vision transformers use adapter=dict(type='TokenImageAdapter')"
                " (layout='nhwc' for Swin-style stages).")
        return r

    def positions_to_input(self, values, x):
        return values[:, None].expand_as(x)

    def noise_param_shape(self, x):
        return (x.shape[1], 1, 1)

    def baseline_input(self, model, x, kind, blur_sigma=20.0):
        """``'black'``, ``'white'``, ``'mean'`` (zero in normalised space) or
        ``'blur'`` (Gaussian of ``blur_sigma`` pixels) images like ``x``."""
        if kind == 'mean':
            return torch.zeros_like(x)
        if kind in ('black', 'white'):
            level = 0.0 if kind == 'black' else 1.0
            mean = x.new_tensor(self.pixel_mean).view(1, -1, 1, 1)
            std = x.new_tensor(self.pixel_std).view(1, -1, 1, 1)
            return ((level - mean) / std).expand_as(x).clone()
        if kind == 'blur':
            return smooth2d(x, blur_sigma)
        raise ValueError(f"Unknown image baseline {kind!r}: use 'black', "
                         "'white', 'mean' or 'blur'.")
