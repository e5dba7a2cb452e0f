"""MaRC: rationales by input mask optimisation (Brinner & Zarrieß, Findings
of ACL 2023; methods.md §3), batched.

Every position i (token or mask-grid cell) has a weight ``w_i`` and a width
``s_i``; the mask is ``lam_j = sigmoid(sum_i w_i exp(-d(i, j)^2 / s_i^2))``,
so wide kernels make whole spans or regions. With a baseline ``b`` the kept
input is ``lam x + (1 - lam) b`` and the removed one ``(1 - lam) x + lam b``;
the loss asks the kept part to be sufficient, the removed part to be
comprehensive, and the mask to be small, smooth (wide kernels) and, for
images, of low total variation. Random noise on the input and random
snapping of mask entries to 0 or 1 make the masks robust. Each sample stops
on its own rule while the rest of the batch goes on.

Memory: text builds a ``(B, L, L)`` kernel (1 MB per 510-token document).
Images work on a grid of ``grid_stride`` pixels and a ``window`` of pixels;
the kernel holds ``(window / grid_stride)^2`` values per grid cell: 11 x 11
x 56 x 56 x 4 bytes = 1.5 MB per image and tensor at the default stride 4,
but 41 x 41 x 224 x 224 x 4 bytes = 337 MB per image and tensor at stride
1 (the paper's per-pixel setting; about 1.3 GB per image with autograd).
"""
import math

import torch
import torch.nn.functional as F

from input_iba.models.bottlenecks import mix, smooth2d
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import make_generators, rand_per_sample

from .base import AttributionResult, BaseAttributor

TEXT_DEFAULTS = dict(area_weight=1.0, width_weight=1.2, tv_weight=0.0,
                     init_weight=1.2, init_width=2.0, min_width=0.1,
                     noise=0.03, snap=0.05, lr=3e-2, optimizer='AdamW',
                     max_steps=900, min_steps=200, patience=50,
                     change_tolerance=1 / 200, max_mean_mask=0.45, ema=None)
IMAGE_DEFAULTS = dict(area_weight=0.6, width_weight=1.2, tv_weight=10.0,
                      init_weight=0.5, init_width=1.2, min_width=0.6,
                      noise=0.0, snap=0.05, lr=3e-2, optimizer='Adam',
                      max_steps=900, min_steps=250, patience=None,
                      change_tolerance=2e-4, max_mean_mask=None, ema=0.9)


def gaussian_mask_1d(weights, widths):
    """``(B, L)`` weights and widths -> ``(B, L)`` mask logits
    ``sum_i w_i exp(-(i - j)^2 / s_i^2)``."""
    pos = torch.arange(weights.shape[1], device=weights.device, dtype=weights.dtype)
    dist2 = (pos[:, None] - pos[None, :])**2  # (i, j)
    kernel = torch.exp(-dist2[None] / widths[..., None]**2)
    return torch.einsum('bi,bij->bj', weights, kernel)


def gaussian_mask_2d(weights, widths, radius):
    """``(B, h, w)`` -> ``(B, h, w)`` mask logits, each cell summing the
    kernels of the cells within ``radius`` (a square window)."""
    b, h, w = weights.shape
    k = 2 * radius + 1
    off = torch.arange(-radius, radius + 1, device=weights.device, dtype=weights.dtype)
    # offsets of the source cell i relative to the target j, in unfold order
    dist2 = (off[:, None]**2 + off[None, :]**2).flatten()
    src_w = F.unfold(F.pad(weights[:, None], (radius,) * 4), k)  # (B, K, h*w)
    src_s = F.unfold(F.pad(widths[:, None], (radius,) * 4, value=1.0), k)
    logits = (src_w * torch.exp(-dist2[None, :, None] / src_s**2)).sum(1)
    return logits.view(b, h, w)


@ATTRIBUTORS.register_module()
class MaRC(BaseAttributor):
    """MaRC with the published defaults of the modality (text or images);
    any key of ``TEXT_DEFAULTS`` / ``IMAGE_DEFAULTS`` can be overridden.

    Args:
        window: images: pixels of the kernel window (41 in the paper).
        grid_stride: images: pixels per mask parameter (1 = per pixel).
        baseline: images: ``'blur'`` (Gaussian, ``blur_sigma``) or ``'zero'``
            (the mean in normalised space); text uses the padding embedding.
        max_length, overlap: text: documents longer than ``max_length``
            tokens are split into chunks overlapping by ``overlap``, optimised
            together and blended linearly over the overlaps.
    """

    #: keys accepted besides the constructor's named arguments
    schedule_keys = tuple(sorted(TEXT_DEFAULTS))

    def __init__(self, model, adapter=dict(type='ImageAdapter'), window=41,
                 grid_stride=4, baseline='blur', blur_sigma=10.0, max_length=None,
                 overlap=100, **overrides):
        super().__init__(model, adapter)
        self.is_text = self.adapter.critic_type == 'RecurrentCritic'
        defaults = TEXT_DEFAULTS if self.is_text else IMAGE_DEFAULTS
        unknown = set(overrides) - set(defaults)
        if unknown:
            raise TypeError(f'MaRC got unknown keys {sorted(unknown)}; known: '
                            f'{sorted(defaults)}.')
        self.cfg = dict(defaults, **overrides)
        self.window, self.grid_stride = window, grid_stride
        self.baseline, self.blur_sigma = baseline, blur_sigma
        self.max_length, self.overlap = max_length, overlap

    # ----- parameterisation -------------------------------------------------
    def _grid_shape(self, x):
        if self.is_text:
            return (x.shape[1], )
        return tuple(math.ceil(s / self.grid_stride) for s in x.shape[-2:])

    def mask(self, weights, widths, x, padding_mask=None):
        """Mask over the input positions: ``(B, L)`` or ``(B, H, W)``."""
        if self.is_text:
            lam = torch.sigmoid(gaussian_mask_1d(weights, widths))
            return lam if padding_mask is None else lam * padding_mask
        radius = max(1, (self.window // 2) // self.grid_stride)
        lam = torch.sigmoid(gaussian_mask_2d(weights, widths, radius))
        if self.grid_stride > 1:
            lam = F.interpolate(lam[:, None], size=x.shape[-2:], mode='bilinear',
                                align_corners=False)[:, 0]
        return lam

    def _baseline(self, x):
        if self.is_text or self.baseline == 'zero':
            return torch.zeros_like(x)
        if self.baseline == 'blur':
            return smooth2d(x, self.blur_sigma)
        raise ValueError(f"baseline must be 'blur' or 'zero', got {self.baseline!r}.")

    # ----- loss --------------------------------------------------------------
    def _tv(self, lam):
        if self.is_text or not self.cfg['tv_weight']:
            return lam.new_zeros(lam.shape[0])
        diffs = [lam[:, 1:, :] - lam[:, :-1, :], lam[:, :, 1:] - lam[:, :, :-1],
                 lam[:, 1:, 1:] - lam[:, :-1, :-1], lam[:, 1:, :-1] - lam[:, :-1, 1:]]
        return sum(d.abs().flatten(1).mean(1) for d in diffs) / len(diffs)

    def _masked_mean(self, values, padding_mask):
        if padding_mask is None:
            return values.flatten(1).mean(1)
        return (values * padding_mask).sum(1) / padding_mask.sum(1).clamp_min(1)

    def losses(self, lam, widths, x, baseline, targets, padding_mask, gens):
        cfg = self.cfg
        mask_in = self.adapter.positions_to_input(lam, x)
        if cfg['noise']:
            x = x + cfg['noise'] * torch.stack([
                torch.randn(x.shape[1:], generator=g, device=x.device) for g in gens])
        kept = mix(x, mask_in, baseline)
        removed = mix(baseline, mask_in, x)
        pm2 = None if padding_mask is None else torch.cat([padding_mask] * 2)
        logits = self.adapter.forward(self.model, torch.cat([kept, removed]), pm2)
        logp = logits.log_softmax(-1)
        b = x.shape[0]
        p_kept = logp[:b].gather(1, targets[:, None])[:, 0]
        p_removed = logp[b:].gather(1, targets[:, None])[:, 0].exp()
        pm_grid = padding_mask if self.is_text else None
        return (-p_kept - torch.log1p(-p_removed.clamp(max=1 - 1e-6))
                + cfg['area_weight'] * self._masked_mean(lam, pm_grid)**2
                + cfg['width_weight'] * self._masked_mean(-torch.log(widths), pm_grid)
                + cfg['tv_weight'] * self._tv(lam))

    def _snap(self, lam, gens):
        """Set a random ``snap`` share of entries to 0 and another to 1."""
        share = self.cfg['snap']
        if not share:
            return lam
        u = rand_per_sample(gens, lam.shape[1:], lam.device)
        lam = torch.where(u < share, torch.zeros_like(lam), lam)
        return torch.where(u > 1 - share, torch.ones_like(lam), lam)

    # ----- stopping ------------------------------------------------------------
    def _update_stop(self, state, mean_mask, step):
        """Per-sample stopping: text compares the mean mask with its value
        ``patience`` steps before; images track an EMA of its change."""
        cfg = self.cfg
        if cfg['ema'] is not None:
            change = (mean_mask - state['last']).abs()
            state['ema'] = (change if state['ema'] is None else
                            cfg['ema'] * state['ema'] + (1 - cfg['ema']) * change)
            state['last'] = mean_mask
            done = state['ema'] < cfg['change_tolerance']
        else:
            state['history'].append(mean_mask)
            if len(state['history']) <= cfg['patience']:
                return torch.zeros_like(mean_mask, dtype=torch.bool)
            change = (mean_mask - state['history'][-cfg['patience'] - 1]).abs()
            done = change < cfg['change_tolerance']
            if cfg['max_mean_mask'] is not None:
                done &= mean_mask < cfg['max_mean_mask']
        return done & (step + 1 >= cfg['min_steps'])

    def optimise(self, x, targets, gens, padding_mask=None):
        """Fit the masks of a batch; returns ``(lam, steps per sample)``."""
        cfg = self.cfg
        b = x.shape[0]
        grid = self._grid_shape(x)
        weights = torch.full((b, ) + grid, cfg['init_weight'], device=x.device,
                             requires_grad=True)
        log_widths = torch.full((b, ) + grid, math.log(cfg['init_width']),
                                device=x.device, requires_grad=True)
        opt = getattr(torch.optim, cfg['optimizer'])([weights, log_widths],
                                                     lr=cfg['lr'])
        baseline = self._baseline(x)
        done = torch.zeros(b, dtype=torch.bool, device=x.device)
        steps = torch.zeros(b, dtype=torch.long)
        state = dict(last=torch.zeros(b, device=x.device), ema=None, history=[])
        for step in range(cfg['max_steps']):
            widths = log_widths.exp().clamp_min(cfg['min_width'])
            lam = self.mask(weights, widths, x, padding_mask)
            loss = self.losses(self._snap(lam, gens), widths, x, baseline,
                               targets, padding_mask, gens)
            saved = (weights.detach().clone(), log_widths.detach().clone())
            opt.zero_grad()
            loss.sum().backward()
            opt.step()
            with torch.no_grad():  # finished samples keep their parameters
                weights[done], log_widths[done] = saved[0][done], saved[1][done]
                steps[~done.cpu()] += 1
                mean_mask = self._masked_mean(
                    lam, padding_mask if self.is_text else None).detach()
                done |= self._update_stop(state, mean_mask, step)
            if done.all():
                break
        with torch.no_grad():
            widths = log_widths.exp().clamp_min(cfg['min_width'])
            return self.mask(weights, widths, x, padding_mask), steps

    # ----- chunks of long documents -------------------------------------------
    def _chunks(self, length):
        if not self.max_length or length <= self.max_length:
            return [(0, length)]
        step = self.max_length - self.overlap
        starts = list(range(0, max(length - self.overlap, 1), step))
        return [(s, min(s + self.max_length, length)) for s in starts]

    def _attribute_chunked(self, x, targets, seeds, padding_mask):
        lengths = padding_mask.sum(1).tolist()
        pieces, owners = [], []
        for row, length in enumerate(lengths):
            for start, end in self._chunks(int(length)):
                pieces.append((row, start, end))
        longest = max(end - start for _, start, end in pieces)
        xs = x.new_zeros(len(pieces), longest, x.shape[-1])
        pms = torch.zeros(len(pieces), longest, dtype=torch.bool, device=x.device)
        for i, (row, start, end) in enumerate(pieces):
            xs[i, :end - start], pms[i, :end - start] = x[row, start:end], True
            owners.append(row)
        gens = make_generators([seeds[r] * 1000 + i for i, (r, _, _) in enumerate(pieces)],
                               x.device)
        lam, steps = self.optimise(xs, targets[owners], gens, pms)
        total = x.new_zeros(x.shape[:2])
        weight = x.new_zeros(x.shape[:2])
        for i, (row, start, end) in enumerate(pieces):
            n = end - start
            ramp = torch.ones(n, device=x.device)
            if start > 0:  # fade in over the overlap with the previous chunk
                ramp[:self.overlap] = torch.linspace(0, 1, self.overlap + 2,
                                                     device=x.device)[1:-1]
            if end < lengths[row]:
                ramp[-self.overlap:] = torch.minimum(ramp[-self.overlap:], torch.linspace(
                    1, 0, self.overlap + 2, device=x.device)[1:-1])
            total[row, start:end] += ramp * lam[i, :n]
            weight[row, start:end] += ramp
        return total / weight.clamp_min(1e-8), steps

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        inputs, targets = inputs.to(self.device), targets.to(self.device)
        seeds = list(range(len(inputs))) if seeds is None else list(seeds)
        x = self.adapter.embed(self.model, inputs, padding_mask).detach()
        if self.is_text:
            padding_mask = (torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
                            if padding_mask is None else padding_mask.to(x.device))
            lam, steps = self._attribute_chunked(x, targets, seeds, padding_mask)
        else:
            lam, steps = self.optimise(x, targets, make_generators(seeds, x.device))
        return AttributionResult(input_masks=lam.detach().float().cpu(),
                                 meta=dict(steps=steps.float()))
