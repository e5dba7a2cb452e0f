"""ERASER comprehensiveness and sufficiency (DeYoung et al., 2020)."""
import math

import numpy as np
import torch

from input_iba.registry import EVALUATORS
from input_iba.utils.words import CHUNK_OVERLAP, mean_per_document, words_to_tokens

from ..base import MaskEvaluator
from ..ranking import pixel_order

# named sets of fractions of the document: ours (5%, 10%, ..., 95%; methods.md
# §6) and the bins of the ERASER paper and its reference code
FRACTIONS = dict(default=tuple(round(0.05 * i, 2) for i in range(1, 20)),
                 eraser=(0.01, 0.05, 0.1, 0.2, 0.5))
REMOVALS = ('delete', 'pad', 'mask')


def top_k_tokens(mask, fraction):
    """Indices of the ``ceil(fraction * L)`` (at least one) highest-scoring
    tokens; ties: earlier token first."""
    k = max(1, math.ceil(round(fraction * len(mask), 9)))
    return pixel_order(np.asarray(mask))[:k]


@EVALUATORS.register_module()
class ERASERFaithfulness(MaskEvaluator):
    """For each fraction ``f`` the top ``f`` of the tokens are removed
    (comprehensiveness: p(full) - p(rest)) or kept alone (sufficiency:
    p(full) - p(kept only)), with p the target's softmax probability; each
    score is the mean over fractions. High comprehensiveness and low
    sufficiency are good. All perturbed documents of a sample go through the
    model together, ``batch_size`` per forward pass.

    Args:
        fractions: a tuple of fractions, or ``'default'`` (5%, 10%, ..., 95%)
            or ``'eraser'`` (the reference bins 1, 5, 10, 20, 50%).
        removal: ``'delete'`` (default, as in ERASER: the removed tokens are
            cut out and the document is shorter), ``'pad'`` (replaced by the
            padding token's embedding, positions kept) or ``'mask'`` (replaced
            by ``mask_id``, the vocabulary's ``<mask>``).
        chunk_overlap: a document longer than the model's positions (a
            dataset with ``long_documents='keep'``, explained whole) is
            scored by the softmax of the mean of the logits of its
            word-aligned chunks that overlap by about this many tokens (as
            the attribution step predicts it); the record says into how many
            ``chunks`` the full document went.
    """
    name = 'eraser'
    modalities = ('text', )
    summary_keys = ('comprehensiveness', 'sufficiency')
    columns = (('comprehensiveness', 'comprehensiveness', True),
               ('sufficiency', 'sufficiency', False))
    curve = dict(x='fractions', ys=[('comprehensiveness_per_fraction', 'comprehensiveness'),
                                    ('sufficiency_per_fraction', 'sufficiency')],
                 x_label='fraction of tokens', y_label='probability drop')

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'),
                 batch_size=64, fractions='default', removal='delete',
                 mask_id=2, chunk_overlap=CHUNK_OVERLAP):
        super().__init__(model, adapter, batch_size)
        if isinstance(fractions, str):
            if fractions not in FRACTIONS:
                raise ValueError(f'Unknown fractions {fractions!r}: use one of '
                                 f'{sorted(FRACTIONS)} or a tuple of fractions.')
            fractions = FRACTIONS[fractions]
        if removal not in REMOVALS:
            raise ValueError(f'removal must be one of {REMOVALS}, got {removal!r}.')
        self.fractions, self.removal = tuple(fractions), removal
        self.replacement_id = (mask_id if removal == 'mask' else
                               getattr(model, 'pad_token_id', 0))
        self.chunk_overlap = chunk_overlap

    def _variant(self, ids, word_ids, keep):
        """The document (ids and word ids) with the tokens where ``keep`` is
        False removed."""
        if self.removal == 'delete':
            return ids[keep], word_ids[keep]
        return torch.where(keep, ids, torch.full_like(ids, self.replacement_id)), word_ids

    def _chunks(self, ids, word_ids):
        """The token-id sequences a document is scored on: itself, or when
        it is longer than the model its chunks (:meth:`chunks`)."""
        tokens = self.chunks(word_ids)
        return [ids] if tokens is None else [ids[t] for t in tokens]

    @torch.no_grad()
    def _probabilities(self, docs, target):
        """Target probabilities of documents ``(ids, word ids)`` of any
        lengths, padded into batches (an empty document is scored as one
        padding token; a long one by its chunks' mean logits), and the
        number of sequences each was scored on."""
        rows, owner = [], []
        for d, doc in enumerate(docs):
            parts = self._chunks(*doc)
            rows += parts
            owner += [d] * len(parts)
        out = []
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start:start + self.batch_size]
            lengths = torch.tensor([max(len(d), 1) for d in chunk])
            ids = torch.zeros(len(chunk), int(lengths.max()), dtype=torch.long)
            for row, d in enumerate(chunk):
                ids[row, :len(d)] = d
            pm = (torch.arange(ids.shape[1])[None] < lengths[:, None]).to(self.device)
            x = self.adapter.embed(self.model, ids.to(self.device), pm)
            out.append(self.adapter.forward(self.model, x, pm).float().cpu())
        owner = torch.tensor(owner)
        probs = mean_per_document(torch.cat(out), owner, len(docs)).softmax(-1)[:, target]
        return probs.numpy(), torch.bincount(owner, minlength=len(docs)).tolist()

    def evaluate_sample(self, item, mask, target):
        """Tokenised text (items with ``word_ids``): ``mask`` holds one value
        per word, and the top fraction of the *words* is removed or kept, all
        of each word's tokens together; special tokens (``word_ids < 0``)
        always stay."""
        ids, word_ids = item['inputs'], item.get('word_ids')
        n = len(ids) if word_ids is None else len(item['tokens'])
        words = torch.arange(len(ids)) if word_ids is None else word_ids
        docs = [(ids, words)]
        for f in self.fractions:
            keep = torch.ones(n, dtype=torch.bool)
            keep[top_k_tokens(mask[:n], f)] = False
            docs += [self._variant(ids, words, words_to_tokens(keep, words, True)),
                     self._variant(ids, words, words_to_tokens(~keep, words, True))]
        probs, counts = self._probabilities(docs, target)
        full, rest, kept = probs[0], probs[1::2], probs[2::2]
        comp, suff = full - rest, full - kept
        return dict(target=target, fractions=list(self.fractions),
                    full_probability=float(full),
                    comprehensiveness_per_fraction=comp.tolist(),
                    sufficiency_per_fraction=suff.tolist(),
                    comprehensiveness=float(comp.mean()),
                    sufficiency=float(suff.mean()), chunks=counts[0])
