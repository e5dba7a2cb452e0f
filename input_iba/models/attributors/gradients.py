"""Classic gradient and perturbation baselines through Captum, batched.

Each class is a thin adapter around one Captum method: Captum computes the
attribution of the continuous input ``x`` (pixels or token embeddings) and
the adapter reduces it to one value per position, as the mean absolute
value over channels (images) or embedding dimensions (text).
"""
import torch.nn.functional as F
from captum.attr import (IntegratedGradients as CaptumIntegratedGradients,
                         InputXGradient as CaptumInputXGradient, LayerGradCam,
                         Occlusion as CaptumOcclusion, Saliency as CaptumSaliency)

from input_iba.models.hooks import get_layer
from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult, BaseAttributor


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

    def to_positions(self, attributions, x, padding_mask):
        to_pos = self.adapter.input_mask_to_positions
        if self.reduction == 'l2':  # mean of squares: the squared norm / dims
            return to_pos(attributions**2, padding_mask).sqrt()
        if self.reduction == 'abs_sum':
            return to_pos(attributions, padding_mask).abs()
        if self.reduction == 'sum':
            return to_pos(attributions, padding_mask)
        return to_pos(attributions.abs(), padding_mask)

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        inputs, targets, padding_mask = self.on_device(inputs, targets, padding_mask)
        x = self.adapter.embed(self.model, inputs, padding_mask).detach()
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
    """Integrated Gradients (Sundararajan et al., 2017) from a constant
    ``baseline`` (0: black in normalised space, or the zero embedding),
    ``steps`` Gauss-Legendre points, ``internal_batch_size`` inputs per pass.
    """

    def __init__(self, model, adapter=dict(type='ImageAdapter'), steps=50,
                 baseline=0.0, internal_batch_size=64, reduction='mean_abs'):
        super().__init__(model, adapter, reduction)
        self.steps, self.baseline = steps, baseline
        self.internal_batch_size = internal_batch_size

    def captum_method(self):
        return CaptumIntegratedGradients(self._forward)

    def captum_kwargs(self, x):
        return dict(baselines=self.baseline, n_steps=self.steps,
                    internal_batch_size=self.internal_batch_size)


@ATTRIBUTORS.register_module()
class GradCAM(CaptumAttributor):
    """Grad-CAM (Selvaraju et al., 2017) at ``layer``, ReLU'd and resized to
    the input bilinearly."""

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter')):
        super().__init__(model, adapter)
        if getattr(self.adapter, 'modality', 'image') != 'image':
            raise ValueError('GradCAM weights the channels of a (B, C, h, w) '
                             f'layer; {type(self.adapter).__name__} is not an '
                             'image adapter: use Saliency or '
                             'IntegratedGradients for text.')
        self.layer = get_layer(self.model, layer)

    def captum_method(self):
        return LayerGradCam(self._forward, self.layer)

    def captum_kwargs(self, x):
        return dict(relu_attributions=True)

    def to_positions(self, attributions, x, padding_mask):
        return F.interpolate(attributions, size=x.shape[-2:], mode='bilinear',
                             align_corners=False)[:, 0]


@ATTRIBUTORS.register_module()
class Occlusion(CaptumAttributor):
    """Occlusion (Zeiler & Fergus, 2014): the drop of the target logit when a
    ``window`` x ``window`` patch of all channels (text: ``window`` tokens of
    all embedding dimensions) is set to ``baseline``, sliding by ``stride``;
    ``perturbations_per_eval`` patches per forward pass. Signed: a positive
    value means the patch supports the target."""

    def __init__(self, model, adapter=dict(type='ImageAdapter'), window=16,
                 stride=8, baseline=0.0, perturbations_per_eval=64):
        super().__init__(model, adapter)
        self.window, self.stride, self.baseline = window, stride, baseline
        self.perturbations_per_eval = perturbations_per_eval

    def captum_method(self):
        return CaptumOcclusion(self._forward)

    def captum_kwargs(self, x):
        if x.dim() == 4:  # (B, C, H, W): square patches through all channels
            window = (x.shape[1], self.window, self.window)
            strides = (x.shape[1], self.stride, self.stride)
        else:  # (B, L, D): runs of tokens through all embedding dimensions
            window, strides = (self.window, x.shape[-1]), (self.stride, x.shape[-1])
        return dict(sliding_window_shapes=window, strides=strides,
                    baselines=self.baseline,
                    perturbations_per_eval=self.perturbations_per_eval)

    def to_positions(self, attributions, x, padding_mask):
        # all channels of a patch share one value: average them, sign kept
        return self.adapter.input_mask_to_positions(attributions, padding_mask)
