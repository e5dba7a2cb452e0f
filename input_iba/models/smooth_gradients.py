"""Clamp-type activations with their exact forward and a continuous gradient.

The gradient of a ReLU network jumps where a unit crosses its kink, so a
float-level change of the input (another batch size, thread count or
machine) flips the few units that sit at a kink and changes the gradient by
a finite amount. A many-step optimisation of a mask (InputIBA's input stage)
amplifies such jumps into visibly different masks. Replacing the step
derivative of ``clamp(x, low, high)`` by a ramp of half-width ``width``
around each kink makes the gradient a Lipschitz function of the input while
the forward pass, hence every prediction and loss, stays exact (the
"beta-smoothing" argument of Dombrowski et al., NeurIPS 2019, applied to
the backward pass only).
"""
import math

import torch
import torch.nn as nn

from input_iba.models.hooks import replace_modules


class _ClampWithRampGradient(torch.autograd.Function):

    @staticmethod
    def forward(ctx, x, low, high, width):
        ctx.save_for_backward(x)
        ctx.low, ctx.high, ctx.width = low, high, width
        return x.clamp(low, None if math.isinf(high) else high)

    @staticmethod
    def backward(ctx, grad):
        # slope = clamp(0.5 + d / (2 w), 0, 1) with d the signed distance to
        # the nearer kink (the two ramps do not overlap: checked at build),
        # computed as (clamp(d, -w, w) + w) / (2 w) in few memory passes
        x, = ctx.saved_tensors
        w = ctx.width
        if math.isinf(ctx.high):
            distance = x - ctx.low
        else:
            distance = ctx.high - x
            torch.minimum(distance, x - ctx.low if ctx.low else x, out=distance)
        slope_times_grad = distance.clamp_(-w, w).add_(w).mul_(grad).mul_(0.5 / w)
        return slope_times_grad, None, None, None


class ClampWithRampGradient(nn.Module):
    """``clamp(x, low, high)`` whose derivative is
    ``clamp(0.5 + min(x - low, high - x) / (2 * width), 0, 1)``, a ramp of
    half-width ``width`` at each kink, instead of a step. ``torch.fx`` tracers of this
    package keep it as one call (``traced_as_one_call``), so the custom
    gradient survives tracing."""
    traced_as_one_call = True

    def __init__(self, low=0.0, high=math.inf, width=0.5):
        super().__init__()
        if not 0 < 2 * width <= high - low:
            raise ValueError(f'width must be > 0 and at most half of '
                             f'high - low = {high - low}, got {width!r}.')
        self.low, self.high, self.width = float(low), float(high), float(width)

    def forward(self, x):
        return _ClampWithRampGradient.apply(x, self.low, self.high, self.width)

    def extra_repr(self):
        return f'low={self.low}, high={self.high}, width={self.width}'


def _clamp_range(module):
    if type(module) is nn.ReLU:
        return 0.0, math.inf
    if isinstance(module, nn.Hardtanh):  # ReLU6 is a Hardtanh(0, 6)
        return module.min_val, module.max_val
    return None


def smooth_activation_gradients(model, width):
    """A copy of ``model`` whose ``nn.ReLU``, ``nn.ReLU6`` and ``nn.Hardtanh``
    modules are :class:`ClampWithRampGradient` of half-width ``width``
    (``model`` itself when it has none). Activations called as functions
    (``F.relu``) are not found; smooth activations (GELU, SiLU) need
    nothing. ``model`` itself is not changed."""
    def replacement(module):
        bounds = _clamp_range(module)
        return None if bounds is None else ClampWithRampGradient(*bounds, width)
    return replace_modules(model, replacement)
