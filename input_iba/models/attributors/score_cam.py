"""Score-CAM (Wang et al., CVPR Workshops 2020)."""
import torch
import torch.nn.functional as F

from input_iba.models.adapters.reference_inputs import reference_input
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative

from ._utils.cam_base import CAMAttributor


@ATTRIBUTORS.register_module()
class ScoreCAM(CAMAttributor):
    """Gradient-free: each channel ``A_k``, resized to the input and scaled
    to [0, 1] (``H_k``), keeps the input where it is high:
    ``x_k = H_k x + (1 - H_k) b``. The channel's weight is the gain of the
    target's softmax probability, ``p(x_k) - p(b)`` (the paper's increase of
    confidence), and the map is ``ReLU(sum_k w_k A_k)``.

    Args:
        baseline: ``b``: a number in normalised input space (0: the mean
            image), or ``'black'``, ``'white'``, ``'blur'``.
        internal_batch_size: masked inputs per forward pass (a sample costs one pass
            per channel of ``layer``).
    """

    value_ranges = dict(blur_sigma=non_negative(), internal_batch_size=count())

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 baseline=0.0, blur_sigma=20.0,
                 internal_batch_size=64):
        super().__init__(model, layer, adapter)
        self.baseline, self.blur_sigma = baseline, blur_sigma
        self.internal_batch_size = internal_batch_size

    @torch.no_grad()
    def cam(self, x, targets):
        act, _, _ = self.activations(x, targets, gradients=False)
        b, c = act.shape[:2]
        up = F.interpolate(act, size=x.shape[-2:], mode='bilinear',
                           align_corners=False)
        low = up.flatten(2).min(-1).values[..., None, None]
        high = up.flatten(2).max(-1).values[..., None, None]
        span = high - low
        h = torch.where(span > 0, (up - low) / span.where(span > 0, 1.0), 0.0)
        base = reference_input(self.adapter, self.model, x, self.baseline,
                               self.blur_sigma)
        # one masked input per (sample, channel): (B * C, *x.shape[1:])
        sample = torch.arange(b, device=x.device).repeat_interleave(c)
        channel = torch.arange(c, device=x.device).repeat(b)
        probs = []
        for idx in torch.split(torch.arange(b * c, device=x.device), self.internal_batch_size):
            mask = h[sample[idx], channel[idx]][:, None]
            masked = mask * x[sample[idx]] + (1 - mask) * base[sample[idx]]
            logits = self.adapter.forward(self.model, masked)
            probs.append(logits.softmax(-1).gather(1, targets[sample[idx], None])[:, 0])
        p_base = self.adapter.forward(self.model, base).softmax(-1).gather(
            1, targets[:, None])
        weights = torch.cat(probs).view(b, c) - p_base
        return (weights[..., None, None] * act).sum(1)
