"""Empirical Explainers (Schwarzenberg et al., 2021; methods.md §4): a copy
of the classifier's encoder with a trained head that predicts an expensive
explainer's attributions in one forward pass."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from input_iba.models.adapters import build_adapter
from input_iba.models.hooks import get_layer, record_outputs, run_until
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import load_weights

from .base import AttributionResult, BaseAttributor

HEADS = ('token', 'flat', 'decoder', 'unet')


class UNetDecoder(nn.Module):
    """A U-Net-style decoder for images: the deepest features through a 3x3
    convolution, then for each skip (deep to shallow) upsampled to its size,
    concatenated with it and through another 3x3 convolution; a 1x1
    convolution to one channel. ``channels``: the deepest features' channels,
    then the skips'."""

    def __init__(self, channels, hidden):
        super().__init__()

        def block(c_in):
            return nn.Sequential(nn.Conv2d(c_in, hidden, 3, padding=1), nn.ReLU())

        self.channels = list(channels)
        self.stem = block(channels[0])
        self.merges = nn.ModuleList(block(hidden + c) for c in channels[1:])
        self.out = nn.Conv2d(hidden, 1, 1)

    def forward(self, features):
        got = [f.shape[1] for f in features]
        if got != self.channels:
            raise ValueError(f'The explainer expects features of {self.channels} channels '
                             f'(feature_dim, then skips) and got {got}: give the channels '
                             "of the layers' outputs.")
        h = self.stem(features[0])
        for merge, skip in zip(self.merges, features[1:]):
            h = F.interpolate(h, size=skip.shape[-2:], mode='bilinear', align_corners=False)
            h = merge(torch.cat([h, skip], 1))
        return self.out(h)


class ExplainerNet(nn.Module):
    """Encoder (a trainable copy of the classifier, run up to ``layer``) and
    a head: ``token`` (one linear score per token), ``flat`` (the reference:
    one linear layer over the flattened ``max_length x H`` sequence) or
    ``decoder`` (images: two convolutions, upsampled to the input) or
    ``unet`` (images: :class:`UNetDecoder` over ``layer`` and the shallower
    ``skips``, a dict from layer names, deep to shallow, to their channels).
    ``train_encoder=False`` trains the head only."""

    def __init__(self, classifier, layer, adapter, head='token', feature_dim=None,
                 max_length=None, hidden=64, train_encoder=True, skips=None):
        super().__init__()
        if head not in HEADS:
            raise ValueError(f'head must be one of {HEADS}, got {head!r}.')
        self.encoder = copy.deepcopy(classifier)
        for p in self.encoder.parameters():
            p.requires_grad_(train_encoder)
        self.layer_name, self.head_type = layer, head
        self.adapter = adapter
        self.max_length = max_length
        self.skips = dict(skips or {})
        if self.skips and head != 'unet':
            raise ValueError(f"skips are for head='unet', not {head!r}.")
        for name in (layer, *self.skips):
            get_layer(self.encoder, name)  # a clear error for a wrong name
        if head == 'token':
            self.head = nn.Linear(feature_dim, 1)
        elif head == 'flat':
            if not max_length:
                raise ValueError("head='flat' needs max_length.")
            self.head = nn.Linear(max_length * feature_dim, max_length)
        elif head == 'decoder':
            self.head = nn.Sequential(nn.Conv2d(feature_dim, hidden, 3, padding=1),
                                      nn.ReLU(), nn.Conv2d(hidden, 1, 1))
        else:
            if not self.skips:
                raise ValueError("head='unet' needs skips, e.g. {'blocks.2': 40, "
                                 "'blocks.1': 24}: shallower layers and their channels.")
            self.head = UNetDecoder([feature_dim, *self.skips.values()], hidden)

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
        """The embedded inputs and the output of ``layer`` (with ``skips``: a
        list of it and the skips' outputs)."""
        x = self.adapter.embed(self.encoder, inputs, padding_mask)
        layer = get_layer(self.encoder, self.layer_name)
        with record_outputs(self.encoder, self.skips) as skips:
            r = run_until(self.encoder, layer,
                          lambda: self.adapter.forward(self.encoder, x, padding_mask))
        late = [name for name in self.skips if name not in skips]
        if late:
            raise ValueError(f'The skips {late} do not run before {self.layer_name!r}: '
                             'skips are shallower layers than the explainer\'s layer.')
        return x, [r, *(skips[name] for name in self.skips)] if self.skips else r

    def forward(self, inputs, padding_mask=None):
        """Predicted attributions: ``(B, L)`` (zero on padding) or ``(B, H, W)``."""
        x, r = self.features(inputs, padding_mask)
        if self.head_type in ('decoder', 'unet'):
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
        head, max_length, hidden, train_encoder, skips: see :class:`ExplainerNet`.
        checkpoint: weights saved by ``tools/train_explainer.py``.
    """

    def __init__(self, model, layer, feature_dim, adapter=dict(type='ImageAdapter'),
                 head='token', max_length=None, hidden=64, train_encoder=True,
                 skips=None, checkpoint=None):
        super().__init__(model, adapter)
        self.net = ExplainerNet(self.model, layer, build_adapter(adapter), head,
                                feature_dim, max_length, hidden,
                                train_encoder, skips).to(self.device)
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
