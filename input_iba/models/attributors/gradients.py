"""Classic gradient and perturbation baselines through Captum, batched.

Each class is a thin adapter around one Captum method: Captum computes the
attribution of the continuous input ``x`` (pixels or token embeddings) and
the adapter reduces it to one value per position, as the mean absolute
value over channels (images) or embedding dimensions (text).
"""
from captum.attr import InputXGradient as CaptumInputXGradient
from captum.attr import IntegratedGradients as CaptumIntegratedGradients
from captum.attr import Occlusion as CaptumOcclusion
from captum.attr import Saliency as CaptumSaliency

from input_iba.models.adapters.reference_inputs import reference_input, single_baseline
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative

from .base import AttributionResult, BaseAttributor, each_text_without_padding

REDUCTIONS = ('mean_abs', 'l2', 'abs_sum', 'sum')


class CaptumAttributor(BaseAttributor):
    """Base of the Captum-backed attributors: subclasses build the Captum
    method in :meth:`captum_method` and may pass extra arguments to its
    ``attribute`` through :meth:`captum_kwargs`.

    Args:
        reduction: how channels (or embedding dimensions) become one value
            per position: ``'mean_abs'`` (default), ``'l2'`` (the norm, e.g.
            the gradient measure of Recursive ROAR), ``'abs_sum'`` (the
            absolute value of the sum) or ``'sum'`` (signed; the Empirical
            Explainers reference sums IG over the embedding dimension).
    """

    def __init__(self, model, adapter=dict(type='ImageAdapter'),
                 reduction='mean_abs'):
        super().__init__(model, adapter)
        if reduction not in REDUCTIONS:
            raise ValueError(f'reduction must be one of {REDUCTIONS}, got '
                             f'{reduction!r}.')
        self.reduction = reduction

    def _forward(self, x, padding_mask=None):
        return self.adapter.forward(self.model, x, padding_mask)

    def captum_method(self):
        raise NotImplementedError

    def captum_kwargs(self, x):
        return {}

    def reference(self, x, baseline, blur_sigma=20.0):
        """The baseline input for ``x``: a number, or a kind such as
        ``'blur'`` (see :func:`reference_input`)."""
        return reference_input(self.adapter, self.model, x, baseline, blur_sigma)

    def to_positions(self, attributions, x, padding_mask):
        to_pos = self.adapter.input_mask_to_positions
        if self.reduction == 'l2':  # mean of squares: the squared norm / dims
            return to_pos(attributions**2, padding_mask).sqrt()
        if self.reduction == 'abs_sum':
            return to_pos(attributions, padding_mask).abs()
        if self.reduction == 'sum':
            return to_pos(attributions, padding_mask)
        return to_pos(attributions.abs(), padding_mask)

    def explain(self, batch):
        x, targets, padding_mask = batch.x, batch.targets, batch.padding_mask
        extra = () if padding_mask is None else (padding_mask, )
        attributions = self.captum_method().attribute(
            x, target=targets, additional_forward_args=extra or None,
            **self.captum_kwargs(x))
        masks = self.to_positions(attributions.detach(), x, padding_mask)
        return AttributionResult(input_masks=masks.float().cpu())


@ATTRIBUTORS.register_module()
class Saliency(CaptumAttributor):
    """Absolute gradient of the target logit (Simonyan et al., 2014)."""

    def captum_method(self):
        return CaptumSaliency(self._forward)


@ATTRIBUTORS.register_module()
class InputXGradient(CaptumAttributor):
    """Input times gradient (Shrikumar et al., 2016), absolute."""

    def captum_method(self):
        return CaptumInputXGradient(self._forward)


@ATTRIBUTORS.register_module()
class IntegratedGradients(CaptumAttributor):
    """Integrated Gradients (Sundararajan et al., 2017) from ``baseline``: a
    constant (0: the mean image in normalised space, or the zero embedding)
    or a kind of the adapter (``'black'``, ``'white'``, ``'blur'``: the image
    blurred with a Gaussian of ``blur_sigma`` pixels, as MaRC compared;
    ``'pad'`` for text); ``steps`` Gauss-Legendre points,
    ``internal_batch_size`` inputs per pass.
    """

    value_ranges = dict(steps=count(), internal_batch_size=count(), blur_sigma=non_negative())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), steps=50,
                 baseline=0.0, internal_batch_size=64, reduction='mean_abs',
                 blur_sigma=20.0):
        super().__init__(model, adapter, reduction)
        self.steps, self.baseline = steps, baseline
        self.internal_batch_size = internal_batch_size
        self.blur_sigma = blur_sigma

    def captum_method(self):
        return CaptumIntegratedGradients(self._forward)

    def captum_kwargs(self, x):
        return dict(baselines=self.reference(x, self.baseline, self.blur_sigma),
                    n_steps=self.steps,
                    internal_batch_size=self.internal_batch_size)


@ATTRIBUTORS.register_module()
class Occlusion(CaptumAttributor):
    """Occlusion (Zeiler & Fergus, 2014): the drop of the target logit when a
    ``window`` x ``window`` patch of all channels (text: ``window`` tokens of
    all embedding dimensions) is set to ``baseline`` (a number, or a kind as
    for :class:`IntegratedGradients`, e.g. ``'blur'``), sliding by
    ``stride``; ``internal_batch_size`` patches per forward pass. Signed:
    a positive value means the patch supports the target.

    Defaults by modality (None): images 16 x 16 pixel patches by 8 with
    baseline 0; text windows of 5 tokens by 1 with the padding embedding (as
    MaRC's authors run it), a window longer than the text shrinking to it."""

    value_ranges = dict(window=count(), stride=count(), internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), window=None,
                 stride=None, baseline=None, internal_batch_size=64,
                 blur_sigma=20.0):
        super().__init__(model, adapter)
        text = self.adapter.modality == 'text'
        self.window = window or (5 if text else 16)
        self.stride = stride or (1 if text else 8)
        self.baseline = single_baseline(self.adapter, baseline)
        self.internal_batch_size = internal_batch_size
        self.blur_sigma = blur_sigma

    def captum_method(self):
        return CaptumOcclusion(self._forward)

    def captum_kwargs(self, x):
        if x.dim() == 4:  # (B, C, H, W): square patches through all channels
            window = (x.shape[1], self.window, self.window)
            strides = (x.shape[1], self.stride, self.stride)
        else:  # (B, L, D): runs of tokens through all embedding dimensions
            window = (min(self.window, x.shape[1]), x.shape[-1])
            strides = (self.stride, x.shape[-1])
        return dict(sliding_window_shapes=window, strides=strides,
                    baselines=self.reference(x, self.baseline, self.blur_sigma),
                    perturbations_per_eval=self.internal_batch_size)

    def to_positions(self, attributions, x, padding_mask):
        # all channels of a patch share one value: average them, sign kept
        return self.adapter.input_mask_to_positions(attributions, padding_mask)

    def explain(self, batch):
        """Texts one at a time without their padding, so that a window is
        never partly padding (:func:`each_text_without_padding`)."""
        return each_text_without_padding(batch, super().explain)
