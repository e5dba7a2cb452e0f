"""The InputIBA generator: a learned input mask over learned Gaussian noise."""
import torch
import torch.nn as nn

from input_iba.models.bottlenecks import mix
from input_iba.registry import GENERATORS


@GENERATORS.register_module()
class MaskedNoiseGenerator(nn.Module):
    """For ``B`` samples at once, each with its own parameters: an input mask
    logit ``m`` (shape of ``x``), a noise mean and a noise scale (per channel).
    The generated input is ``sigmoid(m) * x + (1 - sigmoid(m)) * (scale * g +
    mean)`` with ``g ~ N(0, 1)``; :meth:`forward` returns its image at the
    hooked layer through ``features``.
    """

    def __init__(self, x, mask_logits, noise_shape, features):
        super().__init__()
        self.register_buffer('x', x.detach())
        self.mask_logits = nn.Parameter(mask_logits.detach().clone())
        b = x.shape[0]
        self.mean = nn.Parameter(torch.zeros((b, ) + tuple(noise_shape),
                                             device=x.device))
        self.scale = nn.Parameter(torch.ones((b, ) + tuple(noise_shape),
                                             device=x.device))
        self.features = features

    def mask(self):
        return torch.sigmoid(self.mask_logits)

    def forward(self, gaussian):
        """``gaussian``: ``(B, n, *x.shape[1:])`` -> features ``(B, n, ...)``."""
        b, n = gaussian.shape[:2]
        noise = self.scale[:, None] * gaussian + self.mean[:, None]
        inputs = mix(self.x[:, None], self.mask()[:, None], noise)
        feats = self.features(inputs.flatten(0, 1), n)
        return feats.view(b, n, *feats.shape[1:])

    def param_groups(self, lr_mean, lr_scale, lr_mask):
        return [dict(params=[self.mean], lr=lr_mean),
                dict(params=[self.scale], lr=lr_scale),
                dict(params=[self.mask_logits], lr=lr_mask)]
