"""ERASER comprehensiveness and sufficiency (DeYoung et al., 2020)."""
import math

import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator

DEFAULT_FRACTIONS = tuple(round(f, 2) for f in np.arange(0.05, 1.0, 0.1))


def top_k_tokens(mask, fraction):
    """Indices of the ``ceil(fraction * L)`` highest-scoring tokens (ties:
    earlier token first)."""
    scores = torch.as_tensor(np.asarray(mask, np.float64))
    k = max(1, math.ceil(fraction * len(scores)))
    return torch.sort(-scores, stable=True).indices[:k]


@EVALUATORS.register_module()
class ERASERFaithfulness(MaskEvaluator):
    """For each fraction ``f`` (default 5%, 15%, ..., 95%) the top ``f`` of the
    tokens are removed (comprehensiveness: p(full) - p(rest)) or kept alone
    (sufficiency: p(full) - p(kept only)), with p the target's softmax
    probability; each score is the mean over fractions. High
    comprehensiveness and low sufficiency are good.

    Args:
        removal: ``'delete'`` (default; the ERASER protocol: the document is
            shortened) or ``'mask'`` (tokens replaced by ``mask_id``, keeping
            positions; for models that need a fixed length).
    """
    name = 'eraser'
    summary_keys = ('comprehensiveness', 'sufficiency')

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'),
                 batch_size=64, fractions=DEFAULT_FRACTIONS, removal='delete',
                 mask_id=2):
        super().__init__(model, adapter, batch_size)
        if removal not in ('delete', 'mask'):
            raise ValueError(f"removal must be 'delete' or 'mask', got {removal!r}.")
        self.fractions, self.removal, self.mask_id = tuple(fractions), removal, mask_id

    def _variant(self, ids, keep):
        if self.removal == 'delete':
            return ids[keep] if keep.any() else ids[:0]
        return torch.where(keep, ids, torch.full_like(ids, self.mask_id))

    @torch.no_grad()
    def _probabilities(self, docs, target):
        """Target probabilities of token-id sequences of any lengths."""
        out = []
        for start in range(0, len(docs), self.batch_size):
            chunk = docs[start:start + self.batch_size]
            lengths = torch.tensor([max(len(d), 1) for d in chunk])
            ids = torch.zeros(len(chunk), int(lengths.max()), dtype=torch.long)
            for row, d in enumerate(chunk):
                ids[row, :len(d)] = d
            pm = (torch.arange(ids.shape[1])[None] < lengths[:, None]).to(self.device)
            x = self.adapter.embed(self.model, ids.to(self.device), pm)
            out.append(self.adapter.forward(self.model, x, pm).softmax(-1)[:, target].cpu())
        return torch.cat(out).numpy()

    def evaluate_sample(self, item, mask, target):
        ids = item['inputs']
        docs = [ids]
        for f in self.fractions:
            keep = torch.ones(len(ids), dtype=torch.bool)
            keep[top_k_tokens(mask[:len(ids)], f)] = False
            docs += [self._variant(ids, keep), self._variant(ids, ~keep)]
        probs = self._probabilities(docs, target)
        full, rest, kept = probs[0], probs[1::2], probs[2::2]
        comp, suff = full - rest, full - kept
        return dict(target=target, fractions=list(self.fractions),
                    full_probability=float(full),
                    comprehensiveness_per_fraction=comp.tolist(),
                    sufficiency_per_fraction=suff.tolist(),
                    comprehensiveness=float(comp.mean()),
                    sufficiency=float(suff.mean()))
