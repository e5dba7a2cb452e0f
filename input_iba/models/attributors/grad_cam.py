"""Grad-CAM (Selvaraju et al., 2017)."""
from input_iba.registry import ATTRIBUTORS

from ._utils.cam_base import CAMAttributor


@ATTRIBUTORS.register_module()
class GradCAM(CAMAttributor):
    """Channels weighted by their mean gradient:
    ``ReLU(sum_k mean(dA_k) A_k)``, resized to the input bilinearly."""

    def cam(self, x, targets):
        act, grad, _ = self.activations(x, targets)
        return (grad.mean((2, 3), keepdim=True) * act).sum(1)
