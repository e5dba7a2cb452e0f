"""GradientShap (Lundberg & Lee, 2017; the expected-gradients estimator of
Erion et al., 2021): input-minus-baseline times the gradient at a random
point between them, averaged over baselines and points."""
import torch

from input_iba.models.adapters.reference_inputs import reference_inputs
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative

from ._utils.sampled_gradients import target_gradients
from .base import AttributionResult
from .gradients import CaptumAttributor


@ATTRIBUTORS.register_module()
class GradientShap(CaptumAttributor):
    """For ``samples`` draws per sample: a baseline ``b`` picked uniformly
    from ``baselines``, ``t ~ U(0, 1)``, optional noise
    ``e ~ N(0, stdev^2)`` on the input; the attribution is the mean of
    ``(x + e - b) * grad f(b + t (x + e - b))``, signed before
    ``reduction``. For a linear model ``w . x`` it is ``(x - b_bar) * w``,
    ``b_bar`` the mean of the drawn baselines (with one baseline exactly
    ``(x - b) * w``). Draws come from each sample's seed.

    Args:
        baselines: numbers or adapter kinds (``'black'``, ``'white'``,
            ``'mean'``, ``'blur'``; ``'pad'`` for text); None: the adapter's
            defaults (images: black, white and mean; text: the padding embedding).
        blur_sigma: pixels of the ``'blur'`` baseline.
        internal_batch_size: copies per forward/backward pass.
    """

    value_ranges = dict(samples=count(), stdev=non_negative(), blur_sigma=non_negative(),
                        internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), samples=20,
                 baselines=None, stdev=0.0, blur_sigma=20.0,
                 internal_batch_size=64, reduction='mean_abs'):
        super().__init__(model, adapter, reduction)
        if samples < 1:
            raise ValueError(f'samples must be at least 1, got {samples}.')
        self.samples, self.stdev = samples, stdev
        self.baselines = tuple(baselines or self.adapter.default_baselines)
        self.blur_sigma, self.internal_batch_size = blur_sigma, internal_batch_size

    def explain(self, batch):
        x, targets, padding_mask = batch.x, batch.targets, batch.padding_mask
        refs = reference_inputs(self.adapter, self.model, x, self.baselines,
                                self.blur_sigma)  # (B, n_baselines, ...)
        k, extra = self.samples, [1] * (x.dim() - 1)
        picks, points, noises = [], [], []
        for g in batch.generators:  # each sample's own draws
            picks.append(torch.randint(refs.shape[1], (k, ), generator=g,
                                       device=x.device))
            points.append(torch.rand(k, generator=g, device=x.device))
            noises.append(torch.randn((k, ) + x.shape[1:], generator=g,
                                      device=x.device))
        picks, t = torch.stack(picks), torch.stack(points).view(len(x), k, *extra)
        base = refs.gather(1, picks.view(len(x), k, *extra).expand(
            len(x), k, *x.shape[1:]))
        delta = x[:, None] + self.stdev * torch.stack(noises) - base
        pm = self.adapter.repeat(padding_mask, k)

        def forward(part, rows):
            return self.adapter.forward(self.model, part,
                                        None if pm is None else pm[rows])

        grads = target_gradients(forward, base + t * delta, targets,
                                 self.internal_batch_size)
        masks = self.to_positions((delta * grads).mean(1), x, padding_mask)
        return AttributionResult(input_masks=masks.float().cpu())
