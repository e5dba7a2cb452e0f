"""Sensitivity-N on token embeddings (methods.md §6): the image metric with
one position per token."""
from input_iba.registry import EVALUATORS

from ..vision.sensitivity_n import SensitivityN


@EVALUATORS.register_module()
class TextSensitivityN(SensitivityN):
    """For N in ``ns``, ``num_subsets`` random sets of N tokens have their
    embedding set to ``baseline`` (0, the padding embedding of our models);
    the Pearson correlation between the attribution summed over the set and
    the drop of the target logit, per N, and its mean over N."""
    name = 'text_sensitivity_n'

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'),
                 ns=(1, 2, 4, 8, 16, 32, 64), num_subsets=50, baseline=0.0,
                 seed=0, batch_size=64):
        super().__init__(model, ns=list(ns), num_subsets=num_subsets,
                         baseline=baseline, seed=seed, adapter=adapter,
                         batch_size=batch_size)
