"""Ranking helpers shared by the metrics: positions from the highest to the
lowest attribution, reproducibly."""
import numpy as np
import torch


def pixel_order(mask):
    """Flat position indices (pixels or tokens) from the highest to the
    lowest attribution (ties: lower index first, so the order is
    reproducible)."""
    flat = torch.as_tensor(np.ascontiguousarray(mask), dtype=torch.float64).flatten()
    return torch.sort(-flat, stable=True).indices


def order_ranks(order):
    """Rank of each flat position in ``order`` (0 = changed first)."""
    rank = torch.empty_like(order)
    rank[order] = torch.arange(order.numel(), device=order.device)
    return rank
