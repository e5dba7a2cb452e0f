"""Grad-CAM++ (Chattopadhyay et al., WACV 2018)."""
from input_iba.registry import ATTRIBUTORS

from ._utils.cam_base import CAMAttributor


@ATTRIBUTORS.register_module()
class GradCAMPlusPlus(CAMAttributor):
    """Channel weights ``w_k = sum_ij a_kij ReLU(g_kij)`` with the paper's
    closed form ``a = g^2 / (2 g^2 + sum_ij A_kij g^3)`` for a score that is
    the exponential of the logit (``g`` the logit's gradient; ``a = 0``
    where the denominator is 0); map ``ReLU(sum_k w_k A_k)``."""

    def cam(self, x, targets):
        act, grad, _ = self.activations(x, targets)
        g2 = grad**2
        denom = 2 * g2 + (act * grad**3).sum((2, 3), keepdim=True)
        alpha = g2 / denom.where(denom != 0, 1.0)
        weights = (alpha * grad.relu()).sum((2, 3), keepdim=True)
        return (weights * act).sum(1)
