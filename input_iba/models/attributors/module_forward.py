"""An ``nn.Module`` view of ``adapter.forward(model, x)``, for Captum methods
that hook the model's modules (Guided Backprop, DeepLift)."""
import torch.nn as nn


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
