"""SmoothGrad (Smilkov et al., 2017): gradients averaged over noisy copies."""

from input_iba.registry import ATTRIBUTORS
from input_iba.utils import randn_per_sample
from input_iba.utils.ranges import count, non_negative

from ._utils.sampled_gradients import target_gradients
from .base import AttributionResult, each_text_without_padding
from .gradients import CaptumAttributor

VARIANTS = ('smoothgrad', 'smoothgrad_sq', 'vargrad')


@ATTRIBUTORS.register_module()
class SmoothGrad(CaptumAttributor):
    """The target logit's gradient at ``samples`` copies
    ``x + N(0, sigma^2)``, ``sigma = noise_level * (max(x) - min(x))`` per
    sample (the paper's 10-20%), averaged (``'smoothgrad'``: the gradient of
    the Gaussian-smoothed model), averaged squared (``'smoothgrad_sq'``) or
    their variance (``'vargrad'``), then reduced to one value per position
    (``reduction`` as :class:`Saliency`). The noise comes from each sample's
    seed; ``noise_level=0`` gives :class:`Saliency` exactly.

    Args:
        internal_batch_size: noisy copies per forward/backward pass.
    """

    value_ranges = dict(samples=count(), noise_level=non_negative(), internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), samples=50,
                 noise_level=0.15, variant='smoothgrad', internal_batch_size=64,
                 reduction='mean_abs'):
        super().__init__(model, adapter, reduction)
        if variant not in VARIANTS:
            raise ValueError(f'variant must be one of {VARIANTS}, got {variant!r}.')
        if samples < 1:
            raise ValueError(f'samples must be at least 1, got {samples}.')
        self.samples, self.noise_level, self.variant = samples, noise_level, variant
        self.internal_batch_size = internal_batch_size

    def explain(self, batch):
        """Texts one at a time without their padding, so that a text's noise
        and noise scale do not depend on its batch
        (:func:`each_text_without_padding`)."""
        return each_text_without_padding(batch, self._smooth)

    def _smooth(self, batch):
        x, targets, padding_mask = batch.x, batch.targets, batch.padding_mask
        noise = randn_per_sample(batch.generators,
                                 (self.samples, ) + x.shape[1:], x.device)
        span = (x.flatten(1).max(1).values - x.flatten(1).min(1).values)
        sigma = (self.noise_level * span).view(-1, 1, *[1] * (x.dim() - 1))
        noisy = x[:, None] + sigma * noise
        pm = self.adapter.repeat(padding_mask, self.samples)

        def forward(part, rows):
            return self.adapter.forward(self.model, part,
                                        None if pm is None else pm[rows])

        grads = target_gradients(forward, noisy, targets, self.internal_batch_size)
        if self.variant == 'smoothgrad':
            agg = grads.mean(1)
        elif self.variant == 'smoothgrad_sq':
            agg = (grads**2).mean(1)
        else:
            agg = grads.var(1, unbiased=False)
        masks = self.to_positions(agg, x, padding_mask)
        return AttributionResult(input_masks=masks.float().cpu())
