"""Feature-level Information Bottleneck Attribution (IBA; methods.md §1)."""
import torch

from input_iba.models.bottlenecks import feature_kl, masked_mean, mix
from input_iba.models.hooks import bypass, network_after, replace_output, returns_tensor
from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative, number, positive

from .base import AttributionResult, LayerAttributor

#: what a bottleneck's options accept (IBA's, and InputIBA's two bottleneck stages)
BOTTLENECK_RANGES = dict(beta=positive(), steps=count(), lr=positive(), copies=count(),
                         init_alpha=number(), sigma=non_negative())


@ATTRIBUTORS.register_module()
class IBA(LayerAttributor):
    """Per-sample bottleneck ``Z = lam * R + (1 - lam) * eps`` at ``layer``,
    with ``eps ~ N(mean_R, std_R^2)``, fitted to keep the target's
    probability with as few bits as possible.

    Args:
        beta: weight of the mean capacity against the cross-entropy.
        steps, lr: Adam steps and learning rate.
        copies: noise draws per step (the sample is repeated this often).
        init_alpha: initial mask logit (``sigmoid(5) ~ 0.993``: all passes).
        sigma: Gaussian smoothing of the mask over space (0 = none).
    """

    value_ranges = dict(BOTTLENECK_RANGES, active_threshold=non_negative(),
                        min_std=positive())

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 beta=10.0, steps=10, lr=1.0, copies=10, init_alpha=5.0,
                 sigma=1.0, active_threshold=0.01, min_std=0.01):
        super().__init__(model, layer, adapter, active_threshold, min_std)
        self.beta, self.steps, self.lr = beta, steps, lr
        self.copies, self.init_alpha, self.sigma = copies, init_alpha, sigma
        self._suffix = None
        self._skip_layer = None

    def fit_feature_bottleneck(self, x, targets, generators, padding_mask=None):
        """Optimise the feature masks of a batch; return ``(lam, capacity,
        features)`` with capacity in nats, zero on inactive elements."""
        mean, std, active = self.statistics()
        with torch.no_grad():
            r = self.layer_output(x, padding_mask)
        weight = self.adapter.feature_weight(r, padding_mask)
        k = self.copies
        class_loss = self._noisy_features_loss(x, targets, padding_mask, k)
        # the mask's parameters stay in float32 (or float64) when the layer
        # computes in a lower precision (autocast)
        alpha = torch.full_like(r, self.init_alpha, requires_grad=True,
                                dtype=torch.promote_types(r.dtype, torch.float32))
        opt = torch.optim.Adam([alpha], lr=self.lr)
        for _ in range(self.steps):
            lam = self.adapter.smooth_feature(torch.sigmoid(alpha), self.sigma)
            eps = self.adapter.sample_noise(generators, k, r.shape[1:], x.device)
            z = mix(r[:, None], lam[:, None], eps * std + mean)
            ce = class_loss(z.flatten(0, 1))
            info = masked_mean(feature_kl(r, lam, mean, std) * active, weight)
            opt.zero_grad()
            (ce + self.beta * info).sum().backward()
            opt.step()
        with torch.no_grad():
            lam = self.adapter.smooth_feature(torch.sigmoid(alpha), self.sigma)
            capacity = feature_kl(r, lam, mean, std) * active * weight
        return lam, capacity, r

    def _noisy_features_loss(self, x, targets, padding_mask, k):
        """A function from ``k`` noisy layer outputs per sample to the
        cross-entropy per sample. Where the network after the layer is a
        module of its own (:func:`network_after`), only that part runs;
        otherwise the whole network runs on ``k`` repeats of ``x`` with the
        layer's output replaced: the layer itself is skipped (:func:`bypass`)
        when it returns a single tensor, as a text encoder does."""
        if self._suffix is None:
            self._suffix = (self.adapter.modality == 'image'
                            and network_after(self.model, self.layer_name)) or False
        if self._suffix:
            return lambda z: self.class_loss(z, targets, None, k, model=self._suffix)
        if self._skip_layer is None:
            self._skip_layer = returns_tensor(
                self.model, self.layer,
                lambda: self.adapter.forward(self.model, x, padding_mask))
        xk = x.repeat_interleave(k, 0)

        def full_loss(z):
            replaced = (bypass(self.layer, z) if self._skip_layer
                        else replace_output(self.layer, lambda _: z))
            with replaced:
                return self.class_loss(xk, targets, padding_mask, k)
        return full_loss

    def explain(self, batch):
        _, capacity, _ = self.fit_feature_bottleneck(
            batch.x, batch.targets, batch.generators, batch.padding_mask)
        masks = self.adapter.capacity_to_positions(capacity, batch.x,
                                                   batch.padding_mask)
        return AttributionResult(input_masks=masks.cpu(), feat_masks=masks.cpu())
