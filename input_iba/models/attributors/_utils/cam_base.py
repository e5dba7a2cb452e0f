"""The small base of the class activation map (CAM) family: read a layer's
activations ``A`` and the target logit's gradients ``dA`` as
``(B, C, h, w)`` maps (token layers through the adapter's
``feature_grid``), combine them into one map per sample, ReLU it and resize
it to the input. Each method overrides :meth:`CAMAttributor.cam`."""
import torch
import torch.nn.functional as F

from input_iba.models.hooks import get_layer

from ..base import AttributionResult, BaseAttributor, check_targets


class CAMAttributor(BaseAttributor):
    """Args:
        layer: name of the module whose output is explained (a conv block
            ``(B, C, h, w)``, or a token layer with ``TokenImageAdapter``).
    """

    #: it weights the channels of a ``(B, C, h, w)`` layer
    modalities = ('image', )

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter')):
        super().__init__(model, adapter)
        self.layer_name = layer
        self.layer = get_layer(self.model, layer)

    def activations(self, x, targets, gradients=True):
        """``(A, dA, logits)``: the layer's output as a ``(B, C, h, w)`` map,
        the gradient of the sum of the target logits with respect to it
        (None when ``gradients`` is False) and the logits."""
        captured = {}

        def hook(module, inputs, output):
            out = output[0] if isinstance(output, (tuple, list)) else output
            captured['out'] = out

        handle = self.layer.register_forward_hook(hook)
        try:
            with torch.set_grad_enabled(gradients):
                x = x.detach().requires_grad_(gradients)
                logits = self.adapter.forward(self.model, x)
        finally:
            handle.remove()
        if 'out' not in captured:
            raise RuntimeError(f'Layer {self.layer_name!r} was never called in '
                               'the forward pass: choose a layer the model uses.')
        check_targets(logits, targets)
        act = captured['out']
        grad = None
        if gradients:
            score = logits.gather(1, targets[:, None]).sum()
            grad, = torch.autograd.grad(score, act)
            grad = self.adapter.feature_grid(grad).detach()
        return self.adapter.feature_grid(act).detach(), grad, logits.detach()

    def cam(self, x, targets):
        """One ``(B, h, w)`` map per sample, before the ReLU."""
        raise NotImplementedError

    def explain(self, batch):
        x, targets = batch.x, batch.targets
        cam = torch.relu(self.cam(x, targets))[:, None]
        masks = F.interpolate(cam, size=x.shape[-2:], mode='bilinear',
                              align_corners=False)[:, 0]
        return AttributionResult(input_masks=masks.float().cpu())
