"""Shapley value sampling (Castro et al., 2009): the mean marginal
contribution of each feature over random feature orders."""
import torch

from input_iba.models.adapters.reference_inputs import reference_input, single_baseline
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative

from ._utils.feature_groups import coalition_scores, position_features
from .base import AttributionResult, BaseAttributor


@ATTRIBUTORS.register_module()
class ShapleyValueSampling(BaseAttributor):
    """Each feature (a token for text, a ``cell`` x ``cell`` square of all
    channels for images) gets its mean change of the target logit when it
    goes from ``baseline`` (a number, or a kind such as ``'pad'`` or
    ``'blur'``; None: the padding embedding for text, 0 for images) to its
    value, over ``n_samples`` random orders in which the
    features are switched on one after the other: ``n_samples x (n + 1)``
    inputs for ``n`` features. Signed; the values of one order add up to the
    logit at the input minus the logit at the baseline.

    All coalitions of all orders of a sample are evaluated together, in
    forward passes of ``internal_batch_size`` inputs (Captum's version
    runs one order at a time). Samples are explained one at a time, without
    their padding, with orders drawn from the sample's own generator, so
    that a sample's values do not depend on its batch.

    Args:
        n_samples: random feature orders (the Empirical Explainers target:
            20; its convergence curve varies this).
        internal_batch_size: inputs per forward pass.
    """

    value_ranges = dict(n_samples=count(), cell=count(), internal_batch_size=count(),
                        blur_sigma=non_negative())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), n_samples=20,
                 baseline=None, cell=16, internal_batch_size=128, blur_sigma=20.0):
        super().__init__(model, adapter)
        if n_samples < 1:
            raise ValueError(f'n_samples must be at least 1, got {n_samples}.')
        self.n_samples, self.cell = n_samples, cell
        self.baseline = single_baseline(self.adapter, baseline)
        self.internal_batch_size = internal_batch_size
        self.blur_sigma = blur_sigma

    @torch.no_grad()
    def sample_values(self, x, target, padding_mask, generator):
        """Shapley values of one sample ``x (1, ...)`` (``target (1, )``),
        shaped like ``x``: every position holds its feature's value."""
        ids, n = position_features(self.adapter, x, self.cell)
        base = reference_input(self.adapter, self.model, x, self.baseline, self.blur_sigma)
        orders = torch.stack([torch.randperm(n, generator=generator, device=generator.device)
                              for _ in range(self.n_samples)]).to(x.device)
        # rank[s, f]: when order s switches feature f on; coalition (s, k)
        # has the features of rank < k on
        rank = torch.empty_like(orders).scatter_(
            1, orders, torch.arange(n, device=x.device).expand_as(orders))
        steps = torch.arange(n + 1, device=x.device)
        z = (rank[:, None] < steps[None, :, None]).flatten(0, 1)[None]
        f = coalition_scores(self.adapter, self.model, x, base, ids, z, target, padding_mask,
                             self.internal_batch_size).view(self.n_samples, n + 1)
        gains = f[:, 1:] - f[:, :-1]  # gains[s, k]: feature orders[s, k] switched on
        values = torch.zeros_like(gains).scatter_(1, orders, gains).mean(0)
        return values[ids.flatten()].view(1, *ids.shape[1:]).expand_as(x)

    def explain(self, batch):
        x, targets, pm = batch.x, batch.targets, batch.padding_mask
        values = torch.zeros_like(x)
        for row in range(x.shape[0]):
            length = x.shape[1] if pm is None else int(pm[row].sum())  # images: all
            sample_pm = None if pm is None else pm[row:row + 1, :length]
            values[row:row + 1, :length] = self.sample_values(
                x[row:row + 1, :length], targets[row:row + 1], sample_pm, batch.generators[row])
        masks = self.adapter.input_mask_to_positions(values, pm)
        return AttributionResult(input_masks=masks.float().cpu())
