"""Insertion/deletion and sensitivity-N on token embeddings (methods.md §6):
the image metrics with per-token positions and no blur."""
from input_iba.registry import EVALUATORS

from ..vision.insertion_deletion import InsertionDeletion
from ..vision.sensitivity_n import SensitivityN


@EVALUATORS.register_module()
class TextInsertionDeletion(InsertionDeletion):
    """Tokens, most important first, have their embedding replaced by
    ``baseline`` (0, the padding embedding of our models) for deletion, or
    are revealed on an all-baseline document for insertion; one token per
    step by default."""
    name = 'text_insertion_deletion'

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'),
                 batch_size=64, pixels_per_step=1, baseline=0.0):
        super().__init__(model, adapter, batch_size, pixels_per_step, baseline,
                         insertion_from='baseline')


@EVALUATORS.register_module()
class TextSensitivityN(SensitivityN):
    """Sensitivity-N over tokens (their embeddings set to ``baseline``)."""
    name = 'text_sensitivity_n'

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'),
                 ns=(1, 2, 4, 8, 16, 32, 64), num_subsets=50, baseline=0.0,
                 seed=0, batch_size=64):
        super().__init__(model, ns=list(ns), num_subsets=num_subsets,
                         baseline=baseline, seed=seed, adapter=adapter,
                         batch_size=batch_size)
