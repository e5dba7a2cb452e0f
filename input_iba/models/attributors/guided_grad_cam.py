"""Guided Grad-CAM (Selvaraju et al., 2017)."""
from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult
from .grad_cam import GradCAM
from .guided_backprop import GuidedBackprop


@ATTRIBUTORS.register_module()
class GuidedGradCAM(GradCAM):
    """The :class:`GuidedBackprop` map times the :class:`GradCAM` map of
    ``layer`` resized to the input. The paper multiplies Grad-CAM with the
    guided gradient of every channel; since Grad-CAM is non-negative, that
    product reduced over channels (``reduction``, as :class:`Saliency`) is
    the product of the two maps."""

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 reduction='mean_abs'):
        super().__init__(model, layer, adapter)
        self.guided = GuidedBackprop(self.model, self.adapter, reduction)

    def explain(self, batch):
        cam = super().explain(batch).input_masks
        return AttributionResult(input_masks=self.guided.explain(batch).input_masks * cam)
