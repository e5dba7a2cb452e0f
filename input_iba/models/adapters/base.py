"""Input adapters: the modality-specific strategy used by every attributor.

An attributor works on a continuous input ``x`` (pixels, or token embeddings)
and a classifier. The adapter says how to get ``x`` from a raw batch, how to
run the classifier from ``x``, which positions count, how to smooth a mask
and how to turn masks into one value per position (pixel or token).
"""
import torch

from input_iba.registry import ADAPTERS
from input_iba.utils import randn_per_sample


class InputAdapter:
    """Base adapter. ``padding_mask`` (``(B, L)``, True = real token) is only
    used by sequence adapters; image adapters ignore it."""

    #: default critic of the InputIBA GAN for this modality
    critic_type = None
    #: 'image' or 'text': attributors pick their published defaults by it
    modality = None
    #: kinds of :meth:`baseline_input` that MaRC uses by default
    default_baselines = ()

    def sample_noise(self, generators, copies, shape, device):
        """Standard normal noise ``(B, copies, *shape)``, each sample from its
        own generator."""
        return randn_per_sample(generators, (copies, ) + tuple(shape), device)

    def prepare_model(self, model):
        """Called once on the frozen model (e.g. to change its memory layout)."""
        return model

    def embed(self, model, inputs, padding_mask=None):
        """The continuous input ``x`` that masks act on."""
        return inputs

    def forward(self, model, x, padding_mask=None):
        """Logits of ``model`` for continuous inputs ``x``."""
        raise NotImplementedError

    @staticmethod
    def repeat(padding_mask, copies):
        """``padding_mask`` for a batch whose samples are each repeated."""
        if padding_mask is None:
            return None
        return padding_mask.repeat_interleave(copies, 0)

    def input_weight(self, x, padding_mask=None):
        """Broadcastable weight over ``x``: 1 where a position counts."""
        return torch.ones((), device=x.device)

    def feature_weight(self, r, padding_mask=None):
        return torch.ones((), device=r.device)

    def feature_samples(self, r, padding_mask=None):
        """Samples ``(N, *shape)`` of the layer for the estimator."""
        return r

    def smooth_input(self, lam, sigma):
        return lam

    def smooth_feature(self, lam, sigma):
        return lam

    def input_mask_to_positions(self, mask, padding_mask=None):
        """``(B, *x.shape[1:])`` -> one value per position, e.g. ``(B, H, W)``."""
        raise NotImplementedError

    def capacity_to_positions(self, capacity, x, padding_mask=None):
        """Per-element capacity at the layer (nats) -> bits per input position."""
        raise NotImplementedError

    def positions_to_input(self, values, x):
        """One value per position -> broadcast over ``x``'s shape."""
        raise NotImplementedError

    def feature_mask_to_positions(self, lam, x, padding_mask=None):
        """A feature mask in [0, 1] at the layer -> its mean over the units
        of each input position, in [0, 1] (InputIBA's ``prior_init='lambda'``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot map a feature mask to "
                                  "input positions: use InputIBA(prior_init='capacity').")

    def feature_grid(self, r):
        """A layer output as a ``(B, C, h, w)`` feature map (CAM methods)."""
        raise NotImplementedError(
            f'{type(self).__name__} has no spatial feature maps: CAM methods '
            'need an image adapter.')

    def noise_param_shape(self, x):
        """Shape of a per-sample, per-channel noise parameter (without B)."""
        raise NotImplementedError

    def baseline_input(self, model, x, kind, **options):
        """An uninformative input of ``x``'s shape (e.g. a black image, the
        padding embedding), named by ``kind``."""
        raise NotImplementedError


def build_adapter(adapter):
    """An adapter from its config dict (``ADAPTERS``); an adapter object as
    it is."""
    return ADAPTERS.build(adapter) if isinstance(adapter, dict) else adapter
