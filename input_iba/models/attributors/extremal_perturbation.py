"""Extremal Perturbations (Fong, Patrick & Vedaldi, ICCV 2019), batched.

For each sample and each target area ``a``, a smooth mask ``m`` is fitted so
that the image blurred outside ``m`` keeps the target's logit as high as
possible ("preserve") while ``m`` covers exactly a fraction ``a`` of the
image, enforced by comparing the sorted mask values with a step function.
Smoothness comes from the parameterisation: parameters on a grid of stride
``step``, a Gaussian-weighted max over neighbouring parameters, and bilinear
upsampling. Defaults follow the paper (blur perturbation with 8 levels up to
sigma 20 px, grid step 7, smoothing sigma 21 px, 800 SGD steps, lr 0.01,
momentum 0.9, area weight 300).
"""
import math

import torch
import torch.nn.functional as F

from input_iba.models.bottlenecks import smooth2d
from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult, BaseAttributor


def smooth_max_upsample(params, radius_cells, size):
    """Gaussian-weighted max over a ``(2r+1)^2`` neighbourhood of grid cells,
    then bilinear upsampling to ``size``: ``(N, 1, h, w) -> (N, 1, H, W)``."""
    r = int(math.ceil(2 * radius_cells))
    offsets = torch.arange(-r, r + 1, dtype=params.dtype, device=params.device)
    weights = torch.exp(-(offsets[:, None]**2 + offsets[None, :]**2) /
                        (2 * radius_cells**2)).flatten()
    n, _, h, w = params.shape
    windows = F.unfold(F.pad(params, (r, r, r, r)), 2 * r + 1)  # (N, K, h*w)
    pooled = (windows * weights[None, :, None]).max(1).values.view(n, 1, h, w)
    return F.interpolate(pooled, size=size, mode='bilinear', align_corners=False)


def blur_stack(x, max_sigma, levels):
    """``levels`` copies of ``x`` blurred with sigmas ``0..max_sigma``."""
    sigmas = torch.linspace(0, max_sigma, levels).tolist()
    return torch.stack([smooth2d(x, s) if s > 0 else x for s in sigmas], 1)


def perturb(stack, mask):
    """Per pixel, the blur level ``(1 - mask) * (levels - 1)``, linearly
    interpolated between levels: mask 1 keeps the image, 0 blurs it most."""
    levels = stack.shape[1]
    t = (1 - mask) * (levels - 1)  # (N, 1, H, W)
    low = t.floor().clamp(max=levels - 2).long()
    frac = t - low
    gather = lambda idx: torch.gather(  # noqa: E731
        stack, 1, idx[:, None].expand(-1, 1, stack.shape[2], -1, -1)).squeeze(1)
    return (1 - frac) * gather(low) + frac * gather(low + 1)


@ATTRIBUTORS.register_module()
class ExtremalPerturbation(BaseAttributor):
    """Preservation masks for ``areas`` (fractions of the image); the output
    is their mean, so pixels kept even at the smallest area score highest.

    Args:
        areas: target areas; all are optimised together with the batch.
        steps: SGD iterations. lr, momentum: SGD settings.
        grid_step: pixels per mask parameter. smooth_sigma: pixels of the
            Gaussian-weighted max. blur_sigma, blur_levels: the perturbation.
        area_weight: weight of the area constraint.
    """

    def __init__(self, model, adapter=dict(type='ImageAdapter'), areas=(0.1, ),
                 steps=800, lr=0.01, momentum=0.9, grid_step=7, smooth_sigma=21,
                 blur_sigma=20.0, blur_levels=8, area_weight=300.0):
        super().__init__(model, adapter)
        self.areas = tuple(areas)
        self.steps, self.lr, self.momentum = steps, lr, momentum
        self.grid_step, self.smooth_sigma = grid_step, smooth_sigma
        self.blur_sigma, self.blur_levels = blur_sigma, blur_levels
        self.area_weight = area_weight

    def masks_for(self, params, size):
        return smooth_max_upsample(params.clamp(0, 1),
                                   self.smooth_sigma / self.grid_step / 2, size)

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        x = self.adapter.embed(self.model, inputs.to(self.device)).detach()
        targets = targets.to(self.device)
        b, k = x.shape[0], len(self.areas)
        h, w = x.shape[-2:]
        stack = blur_stack(x, self.blur_sigma, self.blur_levels)
        stack = stack.repeat_interleave(k, 0)  # (B*k, levels, C, H, W)
        tgt = targets.repeat_interleave(k)
        areas = torch.tensor(self.areas, device=x.device).repeat(b)
        n = h * w
        ranks = torch.arange(n, device=x.device)[None]
        reference = (ranks >= ((1 - areas) * n).round()[:, None]).float()
        grid = (math.ceil(h / self.grid_step), math.ceil(w / self.grid_step))
        params = torch.full((b * k, 1) + grid, 0.5, device=x.device,
                            requires_grad=True)
        opt = torch.optim.SGD([params], lr=self.lr, momentum=self.momentum,
                              dampening=self.momentum)
        for _ in range(self.steps):
            mask = self.masks_for(params, (h, w))
            logits = self.adapter.forward(self.model, perturb(stack, mask))
            reward = logits.gather(1, tgt[:, None])[:, 0]
            area_gap = ((mask.flatten(1).sort(1).values - reference)**2).mean(1)
            opt.zero_grad()
            (-reward + self.area_weight * area_gap).sum().backward()
            opt.step()
            with torch.no_grad():
                params.clamp_(0, 1)
        with torch.no_grad():
            mask = self.masks_for(params, (h, w)).view(b, k, h, w).mean(1)
        return AttributionResult(input_masks=mask.cpu())
