"""The shared part of the surrogate-model explainers (KernelSHAP, LIME):
switch features (image cells or tokens) on and off at random, score the
perturbed inputs in batches, and fit a weighted linear model of the score
on the on/off pattern; its coefficients are the attributions."""
import torch

from input_iba.models.adapters.reference_inputs import reference_input, single_baseline
from input_iba.utils.ranges import count, non_negative

from ..base import AttributionResult, BaseAttributor, each_text_without_padding
from .feature_groups import coalition_scores, position_features

OUTPUTS = ('logit', 'probability')


def weighted_linear_fit(z, y, weights, ridge=0.0):
    """Per sample, the coefficients ``(B, M)`` of ``y ~ c + z . phi``
    minimising ``sum w (y - c - z . phi)^2 + ridge |phi|^2`` (in float64;
    the intercept is not penalised). ``z``: ``(B, n, M)``, ``y`` and
    ``weights``: ``(B, n)``."""
    z, y, w = z.double(), y.double(), weights.double()
    design = torch.cat([torch.ones_like(z[..., :1]), z], -1)
    gram = design.transpose(1, 2) @ (w[..., None] * design)
    penalty = torch.full((design.shape[-1], ), float(ridge), dtype=gram.dtype,
                         device=gram.device)
    penalty[0] = 0
    gram = gram + torch.diag(penalty)
    rhs = design.transpose(1, 2) @ (w * y)[..., None]
    return torch.linalg.lstsq(gram, rhs).solution[..., 1:, 0]


class SurrogateAttributor(BaseAttributor):
    """Subclasses choose the coalitions and their weights in
    :meth:`coalitions`.

    Args:
        cell: pixels per side of an image feature (text: one token each).
        samples: coalitions per sample.
        baseline: what a switched-off feature becomes: a number in the
            normalised input space or a kind such as ``'blur'``; None: 0 for
            images, the padding embedding (``'pad'``) for text.
        output: the explained score, the target ``'logit'`` or its softmax
            ``'probability'``.
        ridge: L2 penalty of the linear fit.
        internal_batch_size: perturbed inputs per forward pass.
    """

    value_ranges = dict(cell=count(), samples=count(), blur_sigma=non_negative(),
                        ridge=non_negative(), internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), cell=16,
                 samples=1000, baseline=None, blur_sigma=20.0, output='logit',
                 ridge=0.0, internal_batch_size=64):
        super().__init__(model, adapter)
        if output not in OUTPUTS:
            raise ValueError(f'output must be one of {OUTPUTS}, got {output!r}.')
        self.cell, self.samples = cell, samples
        self.baseline = single_baseline(self.adapter, baseline)
        self.blur_sigma, self.output, self.ridge = blur_sigma, output, ridge
        self.internal_batch_size = internal_batch_size

    def coalitions(self, generator, num_features, device):
        """``(z, weights)``: ``(n, M)`` on/off patterns and their weights."""
        raise NotImplementedError

    def explain(self, batch):
        """Texts one at a time without their padding: padding is never a
        feature (:func:`each_text_without_padding`)."""
        return each_text_without_padding(batch, self._fit)

    def _fit(self, batch):
        x, targets, padding_mask = batch.x, batch.targets, batch.padding_mask
        ids, num = position_features(self.adapter, x, self.cell)
        drawn = [self.coalitions(g, num, x.device) for g in batch.generators]
        z = torch.stack([d[0] for d in drawn])
        weights = torch.stack([d[1] for d in drawn])
        base = reference_input(self.adapter, self.model, x, self.baseline,
                               self.blur_sigma)
        y = coalition_scores(self.adapter, self.model, x, base, ids, z, targets,
                             padding_mask, self.internal_batch_size, self.output)
        phi = weighted_linear_fit(z, y, weights, self.ridge).to(x.dtype)
        per_position = phi[:, ids.flatten()].view(len(x), *ids.shape[1:])
        masks = self.adapter.input_mask_to_positions(per_position.expand_as(x),
                                                     padding_mask)
        return AttributionResult(input_masks=masks.float().cpu(),
                                 extras=dict(feature_attributions=phi.float().cpu()))
