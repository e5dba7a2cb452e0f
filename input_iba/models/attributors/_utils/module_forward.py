"""An ``nn.Module`` view of ``adapter.forward(model, x)``, for Captum methods
that hook the model's modules (Guided Backprop, DeepLift), and the clamp
activations (``nn.ReLU6``, ``nn.Hardtanh``) rewritten as ``nn.ReLU`` modules,
the only ones those methods' rules see."""
import torch
import torch.nn as nn

from input_iba.models.hooks import replace_modules


class AdapterForward(nn.Module):
    """``forward(x, padding_mask=None)`` = the adapter's logits for ``x``.
    In-place ReLUs are made out-of-place: Captum's backward hooks on ReLU
    modules cannot see through in-place operations."""

    def __init__(self, model, adapter):
        super().__init__()
        self.model, self.adapter = model, adapter
        for module in model.modules():
            if isinstance(module, nn.ReLU):
                module.inplace = False

    def forward(self, x, padding_mask=None):
        return self.adapter.forward(self.model, x, padding_mask)


class GuidedClamp(nn.Module):
    """``clamp(x, low, high)`` as ``where(r < high, r, high)`` of
    ``r = low + relu(x - low)``: Guided Backprop's ReLU passes back the
    positive part of a gradient that the ``where`` has already zeroed above
    ``high``, so a unit passes ``relu(grad)`` exactly where
    ``low < x < high``. (``relu(x) - relu(x - 6)`` would pass the signed
    gradient through saturated units.) Exact forward for ``low = 0``."""

    def __init__(self, low, high):
        super().__init__()
        self.low, self.high, self.relu = low, high, nn.ReLU()

    def forward(self, x):
        r = self.relu(x - self.low) + self.low
        return torch.where(r < self.high, r, self.high)


class RescaledClamp(nn.Module):
    """``clamp(x, low, high)`` as ``low + relu(x - low) - relu(x - high)``:
    DeepLift's rescale rule on the two ReLUs adds up to the clamp's own,
    ``(clamp(x) - clamp(x0)) / (x - x0)`` across both kinks. (A ReLU
    followed by a clamp would get the clamp's plain gradient, 0 above
    ``high``.) Exact forward for ``low = 0`` where ``x - high`` is exact
    (ReLU6 in float32: ``x`` below 3e7)."""

    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high
        self.above_low, self.above_high = nn.ReLU(), nn.ReLU()

    def forward(self, x):
        return self.above_low(x - self.low) + self.low - self.above_high(x - self.high)


def clamps_as_relus(model, composition):
    """``model`` with each ``nn.Hardtanh`` (``nn.ReLU6`` is one) replaced by
    ``composition(min_val, max_val)`` (:class:`GuidedClamp`,
    :class:`RescaledClamp`): a copy if it has any, else ``model`` itself."""
    return replace_modules(model, lambda m: composition(m.min_val, m.max_val)
                           if isinstance(m, nn.Hardtanh) else None)
