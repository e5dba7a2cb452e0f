"""Attention weights as importance (for models that expose them)."""
import torch

from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult, BaseAttributor


@ATTRIBUTORS.register_module()
class Attention(BaseAttributor):
    """The attention weights of the model's last forward pass, read from its
    ``last_attention`` attribute ``(B, L)`` (e.g. ``BiLSTMAttention``)."""

    def explain(self, batch):
        with torch.no_grad():
            self.adapter.forward(self.model, batch.x, batch.padding_mask)
        weights = getattr(self.model, 'last_attention', None)
        if weights is None:
            raise TypeError(f'{type(self.model).__name__} keeps no attention '
                            'weights (no last_attention attribute).')
        return AttributionResult(input_masks=weights.float().cpu())
