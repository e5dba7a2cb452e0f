"""Empirical Explainers (Schwarzenberg et al., 2021; methods.md §4): a copy
of the classifier's encoder with a trained head that predicts an expensive
explainer's attributions in one forward pass."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from input_iba.models.adapters import build_adapter
from input_iba.models.hooks import get_layer, run_until
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import load_weights

from .base import AttributionResult, BaseAttributor

HEADS = ('token', 'flat', 'decoder')


class ExplainerNet(nn.Module):
    """Encoder (a trainable copy of the classifier, run up to ``layer``) and
    a head: ``token`` (one linear score per token), ``flat`` (the reference:
    one linear layer over the flattened ``max_length x H`` sequence) or
    ``decoder`` (images: two convolutions, upsampled to the input).
    ``train_encoder=False`` trains the head only."""

    def __init__(self, classifier, layer, adapter, head='token', feature_dim=None,
                 max_length=None, hidden=64, train_encoder=True):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f'head must be one of {HEADS}, got {head!r}.')
        self.encoder = copy.deepcopy(classifier)
        for p in self.encoder.parameters():
            p.requires_grad_(train_encoder)
        self.layer_name, self.head_type = layer, head
        self.adapter = adapter
        self.max_length = max_length
        get_layer(self.encoder, layer)  # a clear error for a wrong name
        if head == 'token':
            self.head = nn.Linear(feature_dim, 1)
        elif head == 'flat':
            if not max_length:
                raise ValueError("head='flat' needs max_length.")
            self.head = nn.Linear(max_length * feature_dim, max_length)
        else:
            self.head = nn.Sequential(nn.Conv2d(feature_dim, hidden, 3, padding=1),
                                      nn.ReLU(), nn.Conv2d(hidden, 1, 1))

    def train(self, mode=True):
        """Batch-norm layers of the encoder stay in eval mode: explainers
        train on small batches, whose statistics would replace the
        classifier's."""
        super().train(mode)
        for m in self.encoder.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.eval()
        return self

    def features(self, inputs, padding_mask=None):
        x = self.adapter.embed(self.encoder, inputs, padding_mask)
        layer = get_layer(self.encoder, self.layer_name)
        return x, run_until(self.encoder, layer,
                            lambda: self.adapter.forward(self.encoder, x, padding_mask))

    def forward(self, inputs, padding_mask=None):
        """Predicted attributions: ``(B, L)`` (zero on padding) or ``(B, H, W)``."""
        x, r = self.features(inputs, padding_mask)
        if self.head_type == 'decoder':
            out = self.head(r)
            return F.interpolate(out, size=x.shape[-2:], mode='bilinear',
                                 align_corners=False)[:, 0]
        if self.head_type == 'token':
            out = self.head(r)[..., 0]
        else:
            length = r.shape[1]
            padded = F.pad(r[:, :self.max_length], (0, 0, 0, max(0, self.max_length - length)))
            out = self.head(padded.flatten(1))[:, :length]
            out = F.pad(out, (0, max(0, length - out.shape[1])))
        return out if padding_mask is None else out * padding_mask


@ATTRIBUTORS.register_module()
class EmpiricalExplainer(BaseAttributor):
    """Attributions in one forward pass of a trained :class:`ExplainerNet`.

    Args:
        layer: the encoder's last layer (e.g. ``'encoder'`` of
            ``BiLSTMAttention``, ``'blocks.4'`` of EfficientNet-Lite0).
        feature_dim: channels (images) or hidden size (text) at ``layer``.
        head, max_length, hidden, train_encoder: see :class:`ExplainerNet`.
        checkpoint: weights saved by ``tools/train_explainer.py``.
    """

    def __init__(self, model, layer, feature_dim, adapter=dict(type='ImageAdapter'),
                 head='token', max_length=None, hidden=64, train_encoder=True,
                 checkpoint=None):
        super().__init__(model, adapter)
        self.net = ExplainerNet(self.model, layer, build_adapter(adapter), head,
                                feature_dim, max_length, hidden,
                                train_encoder).to(self.device)
        if checkpoint is not None:
            self.net.load_state_dict(load_weights(
                checkpoint, f'Explainer checkpoint {checkpoint!r} not found: train one with '
                'tools/train_explainer.py CONFIG --work-dir DIR (writes DIR/explainer.pth).',
                self.device))
        self.net.eval()

    def explain(self, batch):
        with torch.no_grad():
            out = self.net(batch.inputs, batch.padding_mask)
        return AttributionResult(input_masks=out.float().cpu())
