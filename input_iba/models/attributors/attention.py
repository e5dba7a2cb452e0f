"""Attention weights as importance (for models that expose them)."""
import torch

from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult, BaseAttributor


@ATTRIBUTORS.register_module()
class Attention(BaseAttributor):
    """Attention weights per token.

    A model with ``attention_map(emb, padding_mask, kind)`` (e.g.
    ``HuggingFaceClassifier``: the first token's attention in the last layer,
    ``kind='last'``, or attention rollout over all layers, ``'rollout'``) is
    asked for it; otherwise the weights of the model's last forward pass are
    read from its ``last_attention`` attribute ``(B, L)`` (e.g.
    ``BiLSTMAttention``, which has one attention layer: ``kind='last'`` only).
    """

    #: the weights are per token
    modalities = ('text', )

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'), kind='last'):
        super().__init__(model, adapter)
        self.kind = kind
        if not hasattr(self.model, 'attention_map') and kind != 'last':
            raise ValueError(f'{type(self.model).__name__} has one attention layer: '
                             f"kind='last' only, got {kind!r}.")

    def explain(self, batch):
        if hasattr(self.model, 'attention_map'):
            pm = batch.padding_mask
            if pm is None:
                pm = torch.ones(batch.x.shape[:2], dtype=torch.bool, device=batch.x.device)
            weights = self.model.attention_map(batch.x, pm, self.kind)
            return AttributionResult(input_masks=weights.float().cpu())
        with torch.no_grad():
            self.adapter.forward(self.model, batch.x, batch.padding_mask)
        weights = getattr(self.model, 'last_attention', None)
        if weights is None:
            raise TypeError(f'{type(self.model).__name__} keeps no attention '
                            'weights (no last_attention attribute).')
        return AttributionResult(input_masks=weights.float().cpu())
