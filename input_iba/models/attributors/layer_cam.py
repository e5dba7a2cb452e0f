"""Layer-CAM (Jiang et al., IEEE TIP 2021)."""
from input_iba.registry import ATTRIBUTORS

from ._utils.cam_base import CAMAttributor


@ATTRIBUTORS.register_module()
class LayerCAM(CAMAttributor):
    """Every location weighted by its own positive gradient:
    ``ReLU(sum_k ReLU(dA_k) * A_k)``; works on shallow layers, where one
    weight per channel (Grad-CAM) blurs the map."""

    def cam(self, x, targets):
        act, grad, _ = self.activations(x, targets)
        return (grad.relu() * act).sum(1)
