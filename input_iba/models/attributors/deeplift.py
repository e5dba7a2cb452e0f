"""DeepLift (Shrikumar et al., 2017) and DeepLiftShap through Captum."""
import torch
from captum.attr import DeepLift as CaptumDeepLift

from input_iba.models.adapters.reference_inputs import reference_inputs
from input_iba.registry import ATTRIBUTORS

from ._utils.module_forward import AdapterForward, RescaledClamp, clamps_as_relus
from .base import AttributionResult
from .gradients import CaptumAttributor


@ATTRIBUTORS.register_module()
class DeepLift(CaptumAttributor):
    """DeepLift's rescale rule from ``baselines`` (numbers or adapter kinds
    such as ``'blur'``); with several baselines the attributions are
    averaged over them (DeepLiftShap). The attributions of an input sum to
    ``f(x) - f(b)`` (summation to delta). Nonlinearities must be modules
    (``nn.ReLU``, ``nn.Sigmoid``, ...; Captum's DeepLift rules; ``nn.ReLU6``
    and ``nn.Hardtanh`` run as :class:`RescaledClamp` on a copy of the
    model); others get their plain gradient. Signed before ``reduction``."""

    def __init__(self, model, adapter=dict(type='ImageAdapter'), baselines=(0.0, ),
                 blur_sigma=20.0, reduction='mean_abs'):
        super().__init__(clamps_as_relus(model, RescaledClamp), adapter, reduction)
        self.baselines, self.blur_sigma = baselines, blur_sigma

    def signed_attributions(self, x, targets, padding_mask=None):
        """``(B, *x.shape[1:])`` DeepLift attributions, averaged over baselines."""
        refs = reference_inputs(self.adapter, self.model, x, self.baselines,
                                self.blur_sigma)
        method = CaptumDeepLift(AdapterForward(self.model, self.adapter))
        extra = None if padding_mask is None else (padding_mask, )
        return torch.stack([
            method.attribute(x, baselines=refs[:, i], target=targets,
                             additional_forward_args=extra).detach()
            for i in range(refs.shape[1])]).mean(0)

    def explain(self, batch):
        x, targets, padding_mask = batch.x, batch.targets, batch.padding_mask
        att = self.signed_attributions(x, targets, padding_mask)
        return AttributionResult(
            input_masks=self.to_positions(att, x, padding_mask).float().cpu())


@ATTRIBUTORS.register_module()
class DeepLiftShap(DeepLift):
    """:class:`DeepLift` averaged over several baselines (default black,
    white, the mean image and a blurred copy)."""

    def __init__(self, model, adapter=dict(type='ImageAdapter'),
                 baselines=('black', 'white', 'mean', 'blur'), blur_sigma=20.0,
                 reduction='mean_abs'):
        super().__init__(model, adapter, baselines, blur_sigma, reduction)
