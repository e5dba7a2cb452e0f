"""Sufficiency and comprehensiveness by the protocol of MaRC's authors
(Brinner & Zarrieß; RationalizedTransformerPredictor,
``evaluation/evaluate_faithfulness.py``): the removed words' tokens become
``[PAD]``, at 5%, 10%, ..., 95% of the words, and a document longer than the
model is predicted from the mean of its chunks' logits."""
import math

import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .threshold_agreement import scaled

#: the percentages of the words kept (sufficiency) or removed (comprehensiveness)
PERCENTAGES = tuple(range(5, 100, 5))


def token_chunks(num_tokens, chunk_tokens=510, overlap=100):
    """``(start, end)`` token ranges of the protocol's chunks of a text of
    ``num_tokens`` tokens (special tokens not counted): as few chunks of at
    most ``chunk_tokens`` as an overlap of ``overlap`` allows, all of one
    length, each starting ``overlap`` tokens before the previous one ends."""
    count = math.ceil(max(num_tokens - overlap, 1) / (chunk_tokens - overlap))
    if count == 1:
        return [(0, num_tokens)]
    length = math.ceil((num_tokens + (count - 1) * overlap) / count)
    starts = [c * (length - overlap) for c in range(count)]
    return [(s, min(s + length, num_tokens)) for s in starts]


def chunk_words(word_ids, ranges):
    """Per chunk, the words all of whose tokens lie in its token range
    (``word_ids``: the word of each text token)."""
    first = {}
    last = {}
    for pos, w in enumerate(word_ids.tolist()):
        first.setdefault(w, pos)
        last[w] = pos
    return [[w for w in first if start <= first[w] and last[w] < end]
            for start, end in ranges]


def top_words(scores, percentage):
    """0/1 per word: the ``round(n * percentage / 100)`` best (NumPy's
    rounding, half to even, as the protocol)."""
    k = min(int(np.round(len(scores) * (percentage / 100))), len(scores))
    selected = np.zeros(len(scores), bool)
    selected[np.argsort(-scores, kind='stable')[:k]] = True
    return selected


@EVALUATORS.register_module()
class PadFaithfulness(MaskEvaluator):
    """Sufficiency ``mean_p p(full) - p(top p% of the words only)`` and
    comprehensiveness ``mean_p p(full) - p(all but the top p%)`` over
    ``p`` = 5, 10, ..., 95, where removed words keep their positions and
    their tokens become the padding token (attended to, as the protocol
    feeds the text ``[PAD]``). Low sufficiency and high comprehensiveness
    are good. This is the protocol of MaRC's authors; the ERASER paper's
    (words deleted, bins 1-50%) is the metric ``eraser``.

    As in the protocol, each mask is scaled to [0, 1] per document and the
    words are ranked after adding ``1e-5`` times the first draws of NumPy's
    legacy generator seeded 0 (the same noise for every document: a
    tie-breaker), and ``p`` is the softmax of the mean of the logits of the
    document's chunks: the text tokens are cut into chunks of at most
    ``chunk_tokens`` that overlap by ``chunk_overlap`` tokens (all chunks of
    one length), a chunk holds the words whose tokens all lie in it, and
    shorter chunks are filled up to the longest with attended padding before
    the closing special token.

    Items are tokenised single texts (``[CLS] words [SEP]``, with
    ``word_ids``)."""
    name = 'pad_faithfulness'
    modalities = ('text', )
    summary_keys = ('sufficiency', 'comprehensiveness')
    columns = (('sufficiency', 'sufficiency', False),
               ('comprehensiveness', 'comprehensiveness', True))
    curve = dict(x='percentages', ys=[('comprehensiveness_per_percentage', 'comprehensiveness'),
                                      ('sufficiency_per_percentage', 'sufficiency')],
                 x_label='% of words', y_label='probability drop')

    def __init__(self, model, adapter=dict(type='TokenEmbeddingAdapter'), batch_size=16,
                 chunk_tokens=510, chunk_overlap=100, seed=0):
        super().__init__(model, adapter, batch_size)
        if not 0 <= chunk_overlap < chunk_tokens:
            raise ValueError(f'chunk_overlap must be in [0, chunk_tokens={chunk_tokens}), '
                             f'got {chunk_overlap}.')
        self.chunk_tokens, self.chunk_overlap, self.seed = chunk_tokens, chunk_overlap, seed

    def _rows(self, ids, word_ids):
        """The chunk rows of a document: ``(rows (C, T) of token positions
        into ids, -1 for fill padding)``."""
        text = (word_ids >= 0).nonzero()[:, 0]
        if len(text) != len(ids) - 2 or word_ids[0] >= 0 or word_ids[-1] >= 0:
            raise ValueError('pad_faithfulness scores single texts tokenised as '
                             '[CLS] words [SEP]; pairs and other layouts are not covered.')
        ranges = token_chunks(len(text), self.chunk_tokens, self.chunk_overlap)
        members = chunk_words(word_ids[text], ranges)
        positions = [torch.cat([text[word_ids[text] == w] for w in words])
                     for words in members]
        longest = max(len(p) for p in positions)
        rows = torch.full((len(positions), longest + 2), -1, dtype=torch.long)
        rows[:, 0], rows[:, -1] = 0, len(ids) - 1
        for r, p in enumerate(positions):
            rows[r, 1:1 + len(p)] = p
        return rows

    @torch.no_grad()
    def _probabilities(self, variants, rows, target):
        """Softmax probability of ``target`` for every variant ``(V, L)`` of
        the document's token ids, each from its chunks' mean logits."""
        pad = getattr(self.model, 'pad_token_id', 0)
        filled = variants[:, rows.clamp_min(0)]  # (V, C, T)
        filled[:, rows < 0] = pad
        flat = filled.flatten(0, 1)
        logits = []
        for part in torch.split(flat, self.batch_size):
            part = part.to(self.device)
            pm = torch.ones_like(part, dtype=torch.bool)
            x = self.adapter.embed(self.model, part, pm)
            logits.append(self.adapter.forward(self.model, x, pm).float().cpu())
        mean = torch.cat(logits).view(len(variants), len(rows), -1).mean(1)
        return mean.softmax(-1)[:, target].numpy()

    def evaluate_sample(self, item, mask, target):
        ids, word_ids = item['inputs'], item['word_ids']
        n = len(item['tokens'])
        noise = np.random.RandomState(self.seed).randn(n) * 1e-5
        scores = scaled(np.asarray(mask, np.float64)[:n]) + noise
        pad = getattr(self.model, 'pad_token_id', 0)
        variants = [ids]
        for p in PERCENTAGES:
            top = torch.from_numpy(top_words(scores, p))
            is_top = torch.zeros(len(ids), dtype=torch.bool)
            text = word_ids >= 0
            is_top[text] = top[word_ids[text]]
            variants += [torch.where(text & ~is_top, pad, ids),  # top p% only
                         torch.where(is_top, pad, ids)]  # all but the top p%
        rows = self._rows(ids, word_ids)
        probs = self._probabilities(torch.stack(variants), rows, target)
        full, kept, rest = probs[0], probs[1::2], probs[2::2]
        suff, comp = full - kept, full - rest
        return dict(target=target, percentages=list(PERCENTAGES), chunks=len(rows),
                    full_probability=float(full),
                    sufficiency_per_percentage=suff.tolist(),
                    comprehensiveness_per_percentage=comp.tolist(),
                    sufficiency=float(suff.mean()), comprehensiveness=float(comp.mean()))
