"""Insertion/deletion on token embeddings (methods.md §6): the image metric
with one position per token and no blur."""
from input_iba.registry import EVALUATORS

from ..vision.insertion_deletion import InsertionDeletion


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
