"""Adapter for text classifiers: ``x`` is the token embeddings ``(B, L, D)``."""
import torch

from input_iba.models.bottlenecks import bits
from input_iba.registry import ADAPTERS
from input_iba.utils import randn_positions_per_sample

from .base import InputAdapter


def _all_real(x):
    return torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)


@ADAPTERS.register_module()
class TokenEmbeddingAdapter(InputAdapter):
    """Masks act on word embeddings; padding never counts (weights are zero
    there, masks are zero there, the estimator skips it). The model must
    implement ``embed(ids)`` and ``forward_embeddings(emb, padding_mask)``
    (see ``input_iba.models.classifiers.TextClassifier``)."""
    critic_type = 'RecurrentCritic'
    modality = 'text'
    default_baselines = ('pad', )

    def sample_noise(self, generators, copies, shape, device):
        """Drawn position-major, so that a token's noise does not depend on
        how much padding its batch adds after it."""
        noise = randn_positions_per_sample(generators, shape[0],
                                           (copies, ) + tuple(shape[1:]), device)
        return noise.transpose(1, 2)

    def embed(self, model, inputs, padding_mask=None):
        return model.embed(inputs)

    def forward(self, model, x, padding_mask=None):
        padding_mask = _all_real(x) if padding_mask is None else padding_mask
        # cuDNN's RNN backward refuses eval mode; the native kernels do not
        with torch.backends.cudnn.flags(enabled=not x.is_cuda):
            return model.forward_embeddings(x, padding_mask)

    def input_weight(self, x, padding_mask=None):
        pm = _all_real(x) if padding_mask is None else padding_mask
        return pm[..., None].to(x.dtype)

    def feature_weight(self, r, padding_mask=None):
        return self.input_weight(r, padding_mask)

    def feature_samples(self, r, padding_mask=None):
        """One sample per real token: ``(N_tokens, H)``."""
        pm = _all_real(r) if padding_mask is None else padding_mask
        return r[pm]

    def input_mask_to_positions(self, mask, padding_mask=None):
        return mask.mean(-1) * self.input_weight(mask, padding_mask)[..., 0]

    def capacity_to_positions(self, capacity, x, padding_mask=None):
        per_token = bits(capacity.sum(-1))
        return per_token * self.input_weight(capacity, padding_mask)[..., 0]

    def positions_to_input(self, values, x):
        return values[..., None].expand_as(x)

    def feature_mask_to_positions(self, lam, x, padding_mask=None):
        return lam.mean(-1) * self.input_weight(lam, padding_mask)[..., 0]

    def noise_param_shape(self, x):
        return (1, x.shape[-1])

    def baseline_input(self, model, x, kind='pad'):
        """The embedding of the padding token (``model.pad_token_id``, else 0)
        at every position."""
        if kind != 'pad':
            raise ValueError(f"Unknown text baseline {kind!r}: use 'pad'.")
        ids = torch.full(x.shape[:2], getattr(model, 'pad_token_id', 0),
                         dtype=torch.long, device=x.device)
        return model.embed(ids).to(x.dtype)
