"""Features that perturbation methods switch on and off together: square
cells of ``cell`` x ``cell`` pixels for images, single tokens for text."""
import math

import torch


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
