"""Features that perturbation methods switch on and off together: square
cells of ``cell`` x ``cell`` pixels for images, single tokens for text; and
the scores of the model on such coalitions."""
import math

import torch

from ..base import check_targets


def grid_features(height, width, cell, device=None):
    """``(height, width)`` feature ids of a grid of ``cell``-pixel squares
    (row-major; border cells may be smaller) and the number of features."""
    rows, cols = math.ceil(height / cell), math.ceil(width / cell)
    ys = torch.arange(height, device=device) // cell
    xs = torch.arange(width, device=device) // cell
    return ys[:, None] * cols + xs[None], rows * cols


def position_features(adapter, x, cell):
    """Feature id of every position of ``x`` (images: grid cells; text:
    token index) as a tensor broadcastable to ``x``, and their number."""
    if getattr(adapter, 'modality', None) == 'image':
        ids, count = grid_features(x.shape[-2], x.shape[-1], cell, x.device)
        return ids[None, None], count
    ids = torch.arange(x.shape[1], device=x.device)
    return ids.view(1, -1, *[1] * (x.dim() - 2)), x.shape[1]


@torch.no_grad()
def coalition_scores(adapter, model, x, base, ids, z, targets, padding_mask=None,
                     internal_batch_size=64, output='logit'):
    """The target's score of every coalition, ``(B, n)``: ``z (B, n, M)``
    switches each sample's ``M`` features (ids from
    :func:`position_features`) on (1, the input ``x``) or off (0, ``base``);
    ``internal_batch_size`` perturbed inputs per forward pass. ``output``: the
    ``'logit'`` or its softmax ``'probability'``."""
    b, n = z.shape[:2]
    sample = torch.arange(b, device=x.device).repeat_interleave(n)
    flat_z = z.flatten(0, 1)
    out = []
    for rows in torch.split(torch.arange(b * n, device=x.device),
                            internal_batch_size):
        keep = flat_z[rows][:, ids.flatten()].view(len(rows), *ids.shape[1:])
        keep = keep.to(x.dtype)
        s = sample[rows]
        perturbed = keep * x[s] + (1 - keep) * base[s]
        pm = None if padding_mask is None else padding_mask[s]
        logits = adapter.forward(model, perturbed, pm)
        check_targets(logits, targets[s])
        if output == 'probability':
            logits = logits.softmax(-1)
        out.append(logits.gather(1, targets[s, None])[:, 0])
    return torch.cat(out).view(b, n)
