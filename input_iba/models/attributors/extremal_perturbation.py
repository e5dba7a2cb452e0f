"""Extremal Perturbations (Fong, Patrick & Vedaldi, ICCV 2019), batched.

For each sample and each target area ``a``, a smooth mask ``m`` is fitted so
that the image blurred outside ``m`` keeps the target's logit as high as
possible (``'preserve'``; ``'delete'`` blurs inside ``m`` and lowers it)
while ``m`` covers a fraction ``a`` of the image. The area is enforced by
comparing the sorted mask values with a step function that has ``a`` of its
entries at 1; its weight grows geometrically, so that the constraint ends
almost hard. Smoothness comes from the parameterisation: one parameter per
``grid_step`` pixels, and each pixel takes a smooth maximum (softmax-weighted)
of its neighbouring parameters, each damped by a radial kernel of width
``smooth_sigma``. All samples and areas of a batch are optimised at once.

Defaults are those of the paper and of its reference implementation,
TorchRay: areas 0.1, blur perturbation with 8 levels up to sigma 20 px,
grid step 7 px, smoothing sigma 21 px, 800 SGD steps (lr 0.01, momentum and
dampening 0.9), area weight 300 multiplied by 1.0035 per step, masks
initialised to 1, the perturbed image flipped horizontally on every other
step (jitter), a margin of ``smooth_sigma`` pixels around the image in
which the mask is also drawn and pulled to 0 by the area constraint
(without it, parameters at the image's corners feel a quarter of the
constraint's pull and their blobs survive the whole schedule). Differences:
the area is a share of the image, not of the image and its margin (TorchRay
counts both, so its masks cover ~1.4x the area asked for at 224x224); the
output is the mean of the masks of all ``areas``.
"""
import math

import torch
import torch.nn.functional as F

from input_iba.models.bottlenecks import smooth2d
from input_iba.models.smooth_gradients import smooth_activation_gradients
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative, positive

from .base import AttributionResult, BaseAttributor

VARIANTS = ('preserve', 'delete')


def radial_kernel(z):
    """1 up to half a ``sigma``, then a Gaussian fall-off."""
    return torch.exp(-2 * (z - 0.5).clamp(min=0)**2)


class SmoothMaskGenerator:
    """Masks ``(N, 1, H + 2 margin, W + 2 margin)`` from parameters
    ``(N, 1, ceil(H/step), ceil(W/step))``; :meth:`crop` cuts the image part.

    Parameter ``(i, j)`` sits at pixel ``(step * i, step * j)`` of the image.
    A pixel sees the ``(2r + 1)^2`` parameters around the grid cell that
    contains it (``r = 1 + ceil(sigma / step)``), each multiplied by
    ``radial_kernel(distance / sigma)``, and takes their smooth maximum
    ``sum_k v_k softmax(coldness * v)_k``; parameters beyond the grid are 0.
    """

    def __init__(self, size, step, sigma, coldness=20.0, margin=0, device=None):
        self.size, self.step, self.coldness = tuple(size), int(step), coldness
        self.margin = int(margin)
        self.radius = 1 + math.ceil(sigma / step)
        self.grid = tuple(math.ceil(s / step) for s in size)
        self.extra_cells = math.ceil(self.margin / self.step)
        offsets = torch.arange(-self.radius, self.radius + 1, device=device)
        ys, xs = (torch.arange(-self.margin, s + self.margin, device=device,
                               dtype=torch.float32) for s in size)
        # distance along one axis from each pixel to its k-th neighbour's point
        dy = ys[None] - step * ((ys // step)[None] + offsets[:, None])  # (2r+1, H)
        dx = xs[None] - step * ((xs // step)[None] + offsets[:, None])  # (2r+1, W)
        dist = (dy[:, None, :, None]**2 + dx[None, :, None, :]**2).sqrt()
        self.weight = radial_kernel(dist / sigma).flatten(0, 1)  # (K, H, W)

    def initial_params(self, count, value=1.0, device=None):
        return torch.full((count, 1) + self.grid, value, device=device)

    def __call__(self, params):
        k, e, m = 2 * self.radius + 1, self.extra_cells, self.margin
        n = params.shape[0]
        neighbours = F.unfold(F.pad(params, (e, e, e, e)), k, padding=self.radius)
        neighbours = neighbours.view(n, k * k, *(g + 2 * e for g in self.grid))
        start = e * self.step - m  # the canvas starts m pixels before the image
        per_pixel = neighbours.repeat_interleave(self.step, 2).repeat_interleave(
            self.step, 3)[..., start:start + self.size[0] + 2 * m,
                          start:start + self.size[1] + 2 * m]
        values = self.weight * per_pixel
        pooled = (values * F.softmax(self.coldness * values, dim=1)).sum(1, keepdim=True)
        return pooled.clamp(0, 1)

    def crop(self, canvas):
        """The image part of a mask from :meth:`__call__`."""
        m = self.margin
        return canvas[..., m:m + self.size[0], m:m + self.size[1]]


def blur_stack(x, max_sigma, levels):
    """``(B, levels, C, H, W)``: ``x`` blurred with sigmas ``0..max_sigma``
    (level 0 is ``x`` itself)."""
    sigmas = torch.linspace(0, max_sigma, levels).tolist()
    return torch.stack([smooth2d(x, s) if s > 0 else x for s in sigmas], 1)


def perturb(stack, mask):
    """Per pixel, the blur level ``(1 - mask) * (levels - 1)``, linearly
    interpolated between levels: mask 1 keeps the image, 0 blurs it most."""
    levels = stack.shape[1]
    t = (1 - mask) * (levels - 1)  # (N, 1, H, W)
    low = t.detach().floor().clamp(max=levels - 2).long()
    frac = t - low
    index = low[:, None].expand(-1, 1, stack.shape[2], -1, -1)
    at_low = stack.gather(1, index).squeeze(1)
    at_high = stack.gather(1, index + 1).squeeze(1)
    return (1 - frac) * at_low + frac * at_high


@ATTRIBUTORS.register_module()
class ExtremalPerturbation(BaseAttributor):
    """Extremal masks for ``areas`` (fractions of the image); the output is
    their mean, so pixels kept even at the smallest area score highest.

    Args:
        areas: target areas; all are optimised together with the batch.
        steps: SGD iterations. lr, momentum: SGD settings.
        grid_step: pixels per mask parameter. smooth_sigma: pixels of the
            smooth-max kernel. blur_sigma, blur_levels: the perturbation.
        area_weight: initial weight of the area constraint, multiplied by
            ``area_weight_growth`` after every step.
        jitter: flip the perturbed image horizontally on every other step.
        margin: pixels of mask drawn around the image and counted by the
            area constraint; None: ``smooth_sigma`` (TorchRay).
        variant: ``'preserve'`` (keep the logit with the mask) or
            ``'delete'`` (lower it by blurring the mask).
        activation_gradient_width: if > 0, ReLU gradients are smoothed as
            in :class:`InputIBA` (exact forward): with exact gradients the
            masks change visibly with the thread count
            (docs/results/determinism.md). Off by default: its effect on
            EP's scores is not measured.
    """

    #: it blurs images ``(B, C, H, W)``
    modalities = ('image', )
    value_ranges = dict(steps=count(), lr=positive(), momentum=non_negative(), grid_step=count(),
                        smooth_sigma=non_negative(), blur_sigma=non_negative(),
                        blur_levels=count(), area_weight=non_negative(),
                        area_weight_growth=positive(), activation_gradient_width=non_negative())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), areas=(0.1, ),
                 steps=800, lr=0.01, momentum=0.9, grid_step=7, smooth_sigma=21,
                 blur_sigma=20.0, blur_levels=8, area_weight=300.0,
                 area_weight_growth=1.0035, jitter=True, variant='preserve',
                 margin=None, activation_gradient_width=0.0):
        if activation_gradient_width:
            model = smooth_activation_gradients(model, activation_gradient_width)
        super().__init__(model, adapter)
        if variant not in VARIANTS:
            raise ValueError(f'variant must be one of {VARIANTS}, got {variant!r}.')
        if not all(0 < a < 1 for a in areas):
            raise ValueError(f'areas must lie in (0, 1), got {areas}.')
        self.areas = tuple(areas)
        self.steps, self.lr, self.momentum = steps, lr, momentum
        self.grid_step, self.smooth_sigma = grid_step, smooth_sigma
        self.blur_sigma, self.blur_levels = blur_sigma, blur_levels
        self.area_weight, self.area_weight_growth = area_weight, area_weight_growth
        self.jitter, self.variant = jitter, variant
        self.margin = smooth_sigma if margin is None else margin

    def area_reference(self, count, image_pixels, canvas_pixels, device):
        """Sorted masks of the exact areas, ``(B * k, canvas_pixels)``: zeros,
        then as many ones as ``area`` of the image's pixels."""
        areas = torch.tensor(self.areas, device=device).repeat(count)
        ones = image_pixels - ((1 - areas) * image_pixels).floor()
        ranks = torch.arange(canvas_pixels, device=device)[None]
        return (ranks >= canvas_pixels - ones[:, None]).float()

    def explain(self, batch):
        x, targets = batch.x, batch.targets
        b, k = x.shape[0], len(self.areas)
        h, w = x.shape[-2:]
        generator = SmoothMaskGenerator((h, w), self.grid_step, self.smooth_sigma,
                                        margin=self.margin, device=x.device)
        stack = blur_stack(x, self.blur_sigma, self.blur_levels)
        stack = stack.repeat_interleave(k, 0)  # (B*k, levels, C, H, W)
        tgt = targets.repeat_interleave(k)[:, None]
        sign = 1.0 if self.variant == 'preserve' else -1.0
        canvas_pixels = (h + 2 * generator.margin) * (w + 2 * generator.margin)
        reference = self.area_reference(b, h * w, canvas_pixels, x.device)
        params = generator.initial_params(b * k, device=x.device).requires_grad_()
        opt = torch.optim.SGD([params], lr=self.lr, momentum=self.momentum,
                              dampening=self.momentum)
        area_weight = self.area_weight
        for step in range(self.steps):
            canvas = generator(params)
            mask = generator.crop(canvas)
            kept = mask if self.variant == 'preserve' else 1 - mask
            perturbed = perturb(stack, kept)
            if self.jitter and step % 2 == 0:
                perturbed = perturbed.flip(-1)
            reward = sign * self.adapter.forward(self.model, perturbed).gather(1, tgt)[:, 0]
            # per image pixel, so that the margin does not dilute the weight
            area_gap = ((canvas.flatten(1).sort(1).values - reference)**2).sum(1) / (h * w)
            opt.zero_grad()
            (-reward + area_weight * area_gap).sum().backward()
            opt.step()
            with torch.no_grad():
                params.clamp_(0, 1)
            area_weight *= self.area_weight_growth
        with torch.no_grad():
            masks = generator.crop(generator(params)).reshape(b, k, h, w)
        return AttributionResult(input_masks=masks.mean(1).cpu(),
                                 meta=dict(final_reward=reward.detach().view(b, k)
                                           .mean(1).cpu()))
