"""RISE: randomised input sampling for explanation (Petsiuk et al., 2018)."""
import math

import torch
import torch.nn.functional as F

from input_iba.models.adapters.reference_inputs import reference_input
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative, positive

from .base import AttributionResult, BaseAttributor, check_targets


@ATTRIBUTORS.register_module()
class RISE(BaseAttributor):
    """``num_masks`` random masks per image: a ``grid`` x ``grid`` binary grid
    (a cell on with probability ``keep``), upsampled bilinearly to
    ``grid + 1`` cells and shifted by a random fraction of a cell; the map is
    ``sum_i p_c(M_i x + (1 - M_i) b) M_i / (num_masks * keep)``, the
    expected target probability given that a pixel is kept. Masks come from
    each sample's seed and do not depend on ``internal_batch_size``.

    Args:
        baseline: ``b``, a number (0: the mean image in normalised space)
            or a kind such as ``'blur'``.
        internal_batch_size: masked images per forward pass.
    """

    #: it masks images with upsampled grids
    modalities = ('image', )
    value_ranges = dict(num_masks=count(), grid=count(), keep=positive(), blur_sigma=non_negative(),
                        internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), num_masks=4000,
                 grid=7, keep=0.5, baseline=0.0, blur_sigma=20.0,
                 internal_batch_size=64):
        super().__init__(model, adapter)
        self.num_masks, self.grid, self.keep = num_masks, grid, keep
        self.baseline, self.blur_sigma = baseline, blur_sigma
        self.internal_batch_size = internal_batch_size

    def draw(self, generator, device):
        """One sample's random grids ``(n, 1, grid, grid)`` and shifts
        ``(n, 2)`` (fractions of a cell)."""
        cells = (torch.rand(self.num_masks, 1, self.grid, self.grid,
                            generator=generator, device=device) < self.keep).float()
        shifts = torch.rand(self.num_masks, 2, generator=generator, device=device)
        return cells, shifts

    def masks(self, cells, shifts, size):
        """Smooth masks ``(n, H, W)`` from grids and shifts."""
        h, w = size
        ch, cw = math.ceil(h / self.grid), math.ceil(w / self.grid)
        up = F.interpolate(cells, size=((self.grid + 1) * ch, (self.grid + 1) * cw),
                           mode='bilinear', align_corners=False)[:, 0]
        dy = (shifts[:, 0] * ch).long()
        dx = (shifts[:, 1] * cw).long()
        rows = dy[:, None] + torch.arange(h, device=up.device)[None]
        cols = dx[:, None] + torch.arange(w, device=up.device)[None]
        picked = up.gather(1, rows[:, :, None].expand(-1, -1, up.shape[2]))
        return picked.gather(2, cols[:, None, :].expand(-1, h, -1))

    @torch.no_grad()
    def explain(self, batch):
        x, targets = batch.x, batch.targets
        base = reference_input(self.adapter, self.model, x, self.baseline,
                               self.blur_sigma)
        out = []
        for i, g in enumerate(batch.generators):
            cells, shifts = self.draw(g, x.device)
            total = x.new_zeros(x.shape[-2:])
            for rows in torch.split(torch.arange(self.num_masks, device=x.device),
                                    self.internal_batch_size):
                m = self.masks(cells[rows], shifts[rows], x.shape[-2:])[:, None]
                logits = self.adapter.forward(self.model, m * x[i] + (1 - m) * base[i])
                check_targets(logits, targets[i].expand(len(rows)))
                p = logits.softmax(-1)[:, targets[i]]
                total += (p[:, None, None] * m[:, 0]).sum(0)
            out.append(total / (self.num_masks * self.keep))
        return AttributionResult(input_masks=torch.stack(out).float().cpu())
