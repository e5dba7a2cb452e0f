"""Adapter for image classifiers whose hidden layers hold tokens (vision
transformers): the input side is the image's, the feature side reshapes
tokens to their patch grid.

Two token layouts are supported:

- ``'tokens'``: ``(B, prefix + h * w, D)``, e.g. timm ViT/DeiT blocks, with
  ``prefix`` leading tokens (class, distillation, registers) that belong to
  no patch;
- ``'nhwc'``: ``(B, h, w, D)``, e.g. timm Swin stages.

IBA and InputIBA put their bottleneck on every token (the class token too:
an unmasked class token would carry all the information past the
bottleneck); only the patch tokens become the feature mask. Grad-CAM-style
methods read the patch tokens as a ``(B, D, h, w)`` feature map.
"""
import math

import torch

from input_iba.models.bottlenecks import smooth2d
from input_iba.registry import ADAPTERS

from .image import ImageAdapter

LAYOUTS = ('tokens', 'nhwc')


@ADAPTERS.register_module()
class TokenImageAdapter(ImageAdapter):
    """Args:
        prefix_tokens: leading tokens without a patch (``'tokens'`` layout;
            timm: ``model.num_prefix_tokens``, 1 for ViT, 2 for DeiT with
            distillation).
        layout: ``'tokens'`` (ViT/DeiT) or ``'nhwc'`` (Swin).
        grid: ``(h, w)`` of the patch grid; None: a square grid inferred
            from the token count.
        channels_last, pixel_mean, pixel_std: as :class:`ImageAdapter`.
    """
    #: InputIBA's critic reads ``(tokens, D)`` features as a sequence
    #: (``'nhwc'`` stages: as a map, ``ChannelsLastConvCritic``)
    critic_type = 'RecurrentCritic'
    #: MaRC's ViT setting in the reference: a strongly blurred image
    default_baselines = ('blur', )

    def __init__(self, prefix_tokens=1, layout='tokens', grid=None,
                 channels_last=False, pixel_mean=(0.5, 0.5, 0.5),
                 pixel_std=(0.5, 0.5, 0.5)):
        super().__init__(channels_last, pixel_mean, pixel_std)
        if layout not in LAYOUTS:
            raise ValueError(f'layout must be one of {LAYOUTS}, got {layout!r}.')
        if layout == 'nhwc':
            prefix_tokens = 0
            self.critic_type = 'ChannelsLastConvCritic'
        self.prefix_tokens, self.layout = int(prefix_tokens), layout
        self.grid = None if grid is None else tuple(grid)

    def _grid_of(self, num_patches):
        if self.grid is not None:
            if self.grid[0] * self.grid[1] != num_patches:
                raise ValueError(f'grid={self.grid} does not hold the layer\'s '
                                 f'{num_patches} patch tokens: fix grid or '
                                 'prefix_tokens.')
            return self.grid
        side = math.isqrt(num_patches)
        if side * side != num_patches:
            raise ValueError(
                f'{num_patches} patch tokens (after {self.prefix_tokens} prefix '
                'tokens) are not a square grid: set prefix_tokens to the '
                "model's num_prefix_tokens, or grid=(h, w).")
        return side, side

    def _check(self, r):
        want = 3 if self.layout == 'tokens' else 4
        if r.dim() != want:
            layout = '(B, tokens, D)' if want == 3 else '(B, h, w, D)'
            raise ValueError(
                f"TokenImageAdapter(layout={self.layout!r}) expects {layout} "
                f'layer outputs, got shape {tuple(r.shape)}: choose a token '
                "layer, or layout='nhwc' for Swin-style stages, or "
                'ImageAdapter for (B, C, h, w) feature maps.')

    def feature_grid(self, r):
        """Patch tokens as a ``(B, D, h, w)`` map (prefix tokens dropped)."""
        self._check(r)
        if self.layout == 'nhwc':
            return r.permute(0, 3, 1, 2)
        patches = r[:, self.prefix_tokens:]
        h, w = self._grid_of(patches.shape[1])
        return patches.transpose(1, 2).reshape(r.shape[0], r.shape[2], h, w)

    def _from_grid(self, grid, like):
        """Inverse of :meth:`feature_grid`, prefix tokens taken from ``like``."""
        if self.layout == 'nhwc':
            return grid.permute(0, 2, 3, 1)
        patches = grid.flatten(2).transpose(1, 2)
        return torch.cat([like[:, :self.prefix_tokens], patches], 1)

    def smooth_feature(self, lam, sigma):
        """Smooth the patch tokens' mask over the grid; prefix tokens keep theirs."""
        if not sigma:
            return lam
        return self._from_grid(smooth2d(self.feature_grid(lam), sigma), lam)

    def capacity_to_positions(self, capacity, x, padding_mask=None):
        """Bits of the patch tokens summed over ``D``, spread over their
        pixels (as :class:`ImageAdapter`); prefix tokens have no pixels."""
        return super().capacity_to_positions(self.feature_grid(capacity), x)

    def feature_mask_to_positions(self, lam, x, padding_mask=None):
        """The patch tokens' mean mask, resized to the image."""
        return super().feature_mask_to_positions(self.feature_grid(lam), x)
