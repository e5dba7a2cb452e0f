"""Guided Backpropagation (Springenberg et al., 2015) through Captum."""
from captum.attr import GuidedBackprop as CaptumGuidedBackprop

from input_iba.registry import ATTRIBUTORS

from .gradients import CaptumAttributor
from .module_forward import AdapterForward


@ATTRIBUTORS.register_module()
class GuidedBackprop(CaptumAttributor):
    """The input gradient with every ``nn.ReLU`` passing back only positive
    gradients (functional ReLUs, ``F.relu``, are not guided). Reduced as
    :class:`Saliency` (``reduction``)."""

    def captum_method(self):
        return CaptumGuidedBackprop(AdapterForward(self.model, self.adapter))
