"""Gaussian kernel sums: the mask parameterisation of MaRC
(``sum_i w_i exp(-d(i, j)^2 / s_i^p)``) over a sequence or an image grid,
and the 8-neighbour total variation of an image mask.

Memory of the kernel sums. Text: a dense ``(words x words)`` kernel per
chunk (1 MB for 510 words). Images: only a ``(2r + 1)``-pixel window around
each cell counts (``window = 41``: ``r = 20``), summed one row of window
offsets at a time and recomputed in the backward pass (checkpointing), so
the largest temporaries hold ``41 x 224 x 224`` floats (8.2 MB; the peak
of forward and backward measured 114 MB per image, whatever the number of
baselines) instead of
the ``41 x 41 x 224 x 224`` (337 MB) of a full unfold or the
``(224 x 224)^2`` (10 GB) of a dense kernel. Compute: the kernel factorises,
so 2.9 M exponentials and ``41^2 x 224^2 = 84 M`` multiply-adds per forward
pass at ``grid_stride=1`` (4 s forward + backward on one loaded CPU core);
``grid_stride=4`` gives a 56 x 56 grid with an 11-cell window: 0.4 M.
"""
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


def gaussian_mask_1d(weights, widths, exponent=2):
    """``(B, L)`` weights and widths -> ``(B, L)`` mask logits
    ``sum_i w_i exp(-(i - j)^2 / s_i^exponent)``."""
    pos = torch.arange(weights.shape[1], device=weights.device, dtype=weights.dtype)
    dist2 = (pos[:, None] - pos[None, :])**2  # (source i, target j)
    kernel = torch.exp(-dist2[None] / widths[..., None]**exponent)
    return torch.einsum('bi,bij->bj', weights, kernel)


def _window_row(weighted, column_kernel, k):
    """Sum over the column offsets of one row of window offsets:
    ``weighted`` holds ``w_i exp(-dy^2 / s_i)`` of the row's sources,
    ``column_kernel[..., x, t]`` the factor ``exp(-dx^2 / s_i)`` of the
    source ``t`` columns right of the window's left edge."""
    h = column_kernel.shape[1]
    return (weighted[:, :h].unfold(2, k, 1) * column_kernel).sum(-1)


def gaussian_mask_2d(weights, widths, radius, exponent=2):
    """``(B, h, w)`` weights and widths -> ``(B, h, w)`` mask logits: each
    cell sums the kernels of the sources in the ``(2 radius + 1)^2`` window
    around it; sources beyond the border repeat the border's parameters (as
    the reference).

    The kernel factorises per source, ``exp(-(dy^2 + dx^2) / s) =
    exp(-dy^2 / s) exp(-dx^2 / s)``, so only ``(2 radius + 1) h w``
    exponentials are taken; the window is summed one row of offsets at a
    time and recomputed in the backward pass: memory ``O((2 radius + 1) h w)``.
    """
    b, h, w = weights.shape
    k = 2 * radius + 1
    pad = (radius, ) * 4
    w_pad = F.pad(weights[:, None], pad, mode='replicate')[:, 0]
    s_pad = F.pad(widths[:, None], pad, mode='replicate')[:, 0]**exponent
    off = torch.arange(-radius, radius + 1, device=weights.device, dtype=weights.dtype)
    factor = torch.exp(-off.view(1, k, 1, 1)**2 / s_pad[:, None])  # (B, k, h+2r, w+2r)
    # column_kernel[b, Y, x, t] = factor[b, t, Y, x + t]
    cols = (torch.arange(w, device=weights.device)[:, None]
            + torch.arange(k, device=weights.device)[None])
    column_kernel = factor.permute(0, 2, 3, 1).gather(
        2, cols.expand(b, h + 2 * radius, w, k))
    logits = 0
    for row in range(k):
        weighted = (w_pad * factor[:, row])[:, row:]
        kernel = column_kernel[:, row:row + h]
        logits = logits + (checkpoint(_window_row, weighted, kernel, k, use_reentrant=False)
                           if torch.is_grad_enabled() else _window_row(weighted, kernel, k))
    return logits


def total_variation(lam):
    """Mean over cells of the squared differences to the right, lower and
    both diagonal neighbours (each of the 8 neighbour pairs once)."""
    pairs = [(lam[:, :, 1:], lam[:, :, :-1]), (lam[:, 1:], lam[:, :-1]),
             (lam[:, 1:, 1:], lam[:, :-1, :-1]), (lam[:, 1:, :-1], lam[:, :-1, 1:])]
    return sum((a - b).square().flatten(1).sum(1) for a, b in pairs) / lam[0].numel()
