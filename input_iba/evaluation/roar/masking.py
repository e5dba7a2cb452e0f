"""ROAR masking: replace the most important tokens by [MASK]."""
import math

import torch


def tokens_to_mask(length, k, strategy):
    """How many tokens of a ``length``-token document are masked at ``k``:
    ``count``: k tokens; ``quantile``: k percent, rounded up."""
    if strategy == 'count':
        return min(int(k), length)
    if strategy == 'quantile':
        return min(math.ceil(length * k / 100), length)
    raise ValueError(f"strategy must be 'count' or 'quantile', got {strategy!r}.")


def mask_top_tokens(ids, importance, total, mask_id, protected_ids=()):
    """Mask tokens of one document until ``total`` are masked: those already
    masked count, the rest are the most important of the unmasked, maskable
    tokens (never ``protected_ids``, e.g. special tokens). Ties: earlier
    token first. Returns new ids."""
    ids = ids.clone()
    masked = ids == mask_id
    maskable = ~masked
    for pid in protected_ids:
        maskable &= ids != pid
    need = total - int(masked.sum())
    if need <= 0:
        return ids
    scores = torch.as_tensor(importance, dtype=torch.float64)[:len(ids)].clone()
    scores[~maskable] = float('-inf')
    order = torch.sort(-scores, stable=True).indices
    chosen = order[:min(need, int(maskable.sum()))]
    ids[chosen] = mask_id
    return ids
