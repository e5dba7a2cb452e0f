"""Gradients of the target logit for many inputs per sample (the noisy or
interpolated copies of SmoothGrad and GradientShap), in chunks."""
import torch

from ..base import check_targets


def target_gradients(forward, xs, targets, internal_batch_size):
    """``forward(inputs, rows)``: logits of the copies ``rows`` (indices into
    the ``B * n`` copies, sample-major); ``xs``: ``(B, n, *shape)``; returns
    the gradient of each copy's target logit, same shape as ``xs``,
    computing ``internal_batch_size`` copies per pass."""
    b, n = xs.shape[:2]
    flat = xs.flatten(0, 1)
    flat_targets = targets.repeat_interleave(n)
    grads = []
    for rows in torch.split(torch.arange(b * n, device=xs.device), internal_batch_size):
        part = flat[rows].detach().requires_grad_(True)
        with torch.enable_grad():
            logits = forward(part, rows)
            check_targets(logits, flat_targets[rows])
            score = logits.gather(1, flat_targets[rows, None]).sum()
            grad, = torch.autograd.grad(score, part)
        grads.append(grad)
    return torch.cat(grads).view_as(xs)
