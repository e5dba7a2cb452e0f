"""Mutual information between a token's presence and the label, from the
training documents (the Recursive ROAR paper's model-free measure)."""
import torch

from input_iba.registry import ATTRIBUTORS

from .base import AttributionResult, BaseAttributor


def mutual_information(docs, labels):
    """Per token id: ``sum_c P(c) I(token present; label == c)`` in bits,
    counted over documents (a token counts once per document). Every class
    has one extra document containing every token (add-one smoothing), so
    that a token seen in one class only has a finite value. Returns a table
    with one row per id up to the largest seen, plus one for unseen ids."""
    size = max(int(d.max()) for d in docs) + 2
    num_classes = max(labels) + 1
    present = torch.ones(num_classes, size, dtype=torch.float64)
    docs_of = torch.ones(num_classes, 1, dtype=torch.float64)
    for ids, label in zip(docs, labels):
        present[label, torch.unique(ids)] += 1
        docs_of[label] += 1
    total = docs_of.sum()
    with_token = present.sum(0, keepdim=True)
    cells = ((present, with_token, docs_of),  # token, class
             (with_token - present, with_token, total - docs_of),  # token, other
             (docs_of - present, total - with_token, docs_of),  # no token, class
             (total - docs_of - with_token + present, total - with_token,
              total - docs_of))  # no token, other
    info = sum(torch.where(n > 0, n / total * torch.log2(n * total / (row * col)), 0.0)
               for n, row, col in cells)
    return (docs_of / total * info).sum(0)


@ATTRIBUTORS.register_module()
class MutualInformation(BaseAttributor):
    """Each token's mutual information with the label (one value per token
    id, whatever the document or the model). :meth:`prepare` counts it on
    a dataset (in ROAR: the training split of the level); ids never seen
    there get the value of a token seen in no document, 0."""

    #: the values are per token id
    modalities = ('text', )
    table = None

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter')):
        super().__init__(model, adapter)

    def prepare(self, data):
        """Count the mutual information of every token id on ``data``."""
        items = [data[i] for i in range(len(data))]
        self.table = mutual_information([it['inputs'] for it in items],
                                        [int(it['target']) for it in items])

    def explain(self, batch):
        if self.table is None:
            raise RuntimeError('MutualInformation has no counts: call '
                               'prepare(training dataset) before attributing.')
        ids = batch.inputs.cpu().clamp(max=len(self.table) - 1)
        values = self.table[ids].float()
        if batch.padding_mask is not None:
            values = values * batch.padding_mask.cpu()
        return AttributionResult(input_masks=values)
