"""Guided Backpropagation (Springenberg et al., 2015) through Captum."""
from captum.attr import GuidedBackprop as CaptumGuidedBackprop

from input_iba.registry import ATTRIBUTORS

from ._utils.module_forward import AdapterForward, GuidedClamp, clamps_as_relus
from .gradients import CaptumAttributor


@ATTRIBUTORS.register_module()
class GuidedBackprop(CaptumAttributor):
    """The input gradient with every ``nn.ReLU`` passing back only positive
    gradients; ``nn.ReLU6`` and ``nn.Hardtanh`` likewise, inside their range
    (run as :class:`GuidedClamp` on a copy of the model). Functional ReLUs
    (``F.relu``) are not guided. Reduced as :class:`Saliency`
    (``reduction``)."""

    def __init__(self, model, adapter=dict(type='ImageAdapter'),
                 reduction='mean_abs'):
        super().__init__(clamps_as_relus(model, GuidedClamp), adapter, reduction)

    def captum_method(self):
        return CaptumGuidedBackprop(AdapterForward(self.model, self.adapter))
