"""Words of tokenised text: per-token maps to per-word maps and back, and
the overlapping word-aligned chunks that a document longer than a model's
positions is split into (for attribution, prediction and metrics alike).

A document's ``word_ids`` give the word of every token, ``-1`` for tokens
of no word (``[CLS]``, ``[SEP]``, padding)."""
from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch

#: tokens by which the chunks of a document longer than a model overlap (about;
#: at most half a chunk), for attribution, prediction and metrics alike
CHUNK_OVERLAP = 100


def mean_per_document(values: torch.Tensor, owner: torch.Tensor,
                      num_documents: int) -> torch.Tensor:
    """Per-chunk ``values (R, ...)`` -> the mean over each document's chunks
    ``(num_documents, ...)``; ``owner (R, )`` is the document of each chunk
    (the chunk-mean logits by which a long document is predicted)."""
    owner = owner.to(values.device)
    total = values.new_zeros((num_documents, ) + values.shape[1:]).index_add_(0, owner, values)
    counts = torch.bincount(owner, minlength=num_documents)
    return total / counts.view(-1, *[1] * (values.dim() - 1)).to(values.dtype)


def pool_to_words(maps, word_ids, num_words):
    """Per-token ``maps (B, L)`` -> per-word ``(B, num_words)``: the mean over
    each word's tokens (tokens with ``word_ids < 0`` are left out; a word
    without tokens gets 0)."""
    b = maps.shape[0]
    word_ids = word_ids.to(maps.device)
    keep = word_ids >= 0
    index = word_ids.clamp_min(0)
    values = torch.where(keep, maps, torch.zeros_like(maps))
    total = maps.new_zeros(b, num_words).scatter_add_(1, index, values)
    count = maps.new_zeros(b, num_words).scatter_add_(1, index, keep.to(maps.dtype))
    return total / count.clamp_min(1)


def words_to_tokens(values, word_ids, fill):
    """Per-word ``values (..., W)`` -> per-token ``(..., L)``: every token
    takes its word's value, tokens of no word (``word_ids < 0``, e.g.
    ``[CLS]``/``[SEP]``) take ``fill``."""
    words = int(word_ids.max()) + 1 if word_ids.numel() else 0
    if words > values.shape[-1]:
        raise ValueError(f'{values.shape[-1]} values for a document of {words} words: '
                         'a word-level mask must come from this tokenised dataset '
                         '(same tokenizer and max_positions).')
    per_token = values[..., word_ids.clamp_min(0)]
    return torch.where(word_ids >= 0, per_token, fill)


def word_chunks(token_counts, max_length, overlap):
    """Split words (their token counts) into ``(first, end)`` word ranges of
    at most ``max_length`` tokens; each range starts where the last
    ``overlap`` tokens of the previous one begin (word-aligned). The overlap
    is at most half of ``max_length``, so that chunks move on by at least
    half a chunk whatever the model's size."""
    n = len(token_counts)
    if not max_length or sum(token_counts) <= max_length:
        return [(0, n)]
    overlap = min(overlap, max_length // 2)
    chunks, start = [], 0
    while True:
        end, tokens = start, 0
        while end < n and tokens + token_counts[end] <= max_length:
            tokens += token_counts[end]
            end += 1
        if end == start:
            raise ValueError(f'Word {start} has {token_counts[start]} tokens, more '
                             f'than max_length={max_length}: raise max_length.')
        chunks.append((start, end))
        if end == n:
            return chunks
        back, nxt = 0, end
        while nxt > start + 1 and back + token_counts[nxt - 1] <= overlap:
            back += token_counts[nxt - 1]
            nxt -= 1
        start = nxt


def blend_chunks(chunks, masks, num_words):
    """Join per-chunk word masks into one: where consecutive chunks overlap,
    the weight moves linearly from the earlier chunk to the later one."""
    total = torch.zeros(num_words)
    weight = torch.zeros(num_words)
    for c, ((first, end), mask) in enumerate(zip(chunks, masks)):
        ramp = torch.ones(end - first)
        if c > 0 and chunks[c - 1][1] > first:  # rise over the previous overlap
            n = chunks[c - 1][1] - first
            ramp[:n] = torch.arange(1, n + 1) / (n + 1)
        if c + 1 < len(chunks) and chunks[c + 1][0] < end:  # fall into the next
            n = end - chunks[c + 1][0]
            ramp[-n:] = torch.minimum(ramp[-n:], torch.arange(n, 0, -1) / (n + 1))
        total[first:end] += ramp * mask.cpu()
        weight[first:end] += ramp
    return total / weight


def word_index(word_ids):
    """Word ids of one document's tokens (``-1``: not a word) -> each word's
    token count (a word without tokens counts 0); the tokens of a word must
    be contiguous."""
    is_word = word_ids >= 0
    ids = word_ids[is_word]
    starts = torch.ones_like(ids, dtype=torch.bool)
    starts[1:] = ids[1:] != ids[:-1]
    if len(set(ids[starts].tolist())) != int(starts.sum()):
        raise ValueError('The tokens of a word must be contiguous in word_ids.')
    return torch.bincount(ids).tolist() if len(ids) else []


def document_chunks(word_ids, max_length, overlap):
    """Chunks of one document, from the word of each of its real tokens
    (``-1``: not a word): ``(word ranges, token indices of each chunk)``;
    one chunk of all tokens where the word tokens fit in ``max_length``
    (None: no limit). A chunk's tokens are the document's leading non-word
    tokens, the tokens from its first to its last word and the trailing
    non-word tokens."""
    counts = word_index(word_ids)
    if not counts:
        raise ValueError('A document has no word tokens.')
    chunks = word_chunks(counts, max_length, overlap)
    dev = word_ids.device
    if len(chunks) == 1:
        return chunks, [torch.arange(len(word_ids), device=dev)]
    word_tok = (word_ids >= 0).nonzero()[:, 0]
    lead = torch.arange(int(word_tok[0]), device=dev)
    trail = torch.arange(int(word_tok[-1]) + 1, len(word_ids), device=dev)
    tokens = []
    for first, end in chunks:
        inside = ((word_ids >= first) & (word_ids < end)).nonzero()[:, 0]
        body = torch.arange(int(inside[0]), int(inside[-1]) + 1, device=dev)
        tokens.append(torch.cat([lead, body, trail]))
    return chunks, tokens


@dataclass
class DocumentRows:
    """A batch of tokenised documents as rows that fit a model: a document
    longer than the model's positions becomes several rows, its chunks
    (:func:`document_chunks`); a shorter one is one row, as it is.

    ``inputs``, ``padding_mask`` and ``word_ids`` ``(R, L)``: each row's
    tokens, with its words numbered from 0 (``-1``: special tokens and
    padding); ``owner``: the document of each row; ``chunks``: per document,
    the ``(first, end)`` word ranges of its rows; ``num_words``: the words
    per document of the batch (padding included)."""
    inputs: torch.Tensor
    padding_mask: torch.Tensor
    word_ids: torch.Tensor
    owner: torch.Tensor
    chunks: List[List[Tuple[int, int]]]
    num_words: int

    @classmethod
    def split(cls, inputs: torch.Tensor, padding_mask: Optional[torch.Tensor],
              word_ids: torch.Tensor, num_words: int, max_positions: Optional[int],
              overlap: int) -> 'DocumentRows':
        """Rows of documents ``inputs (B, L)`` (padding where ``padding_mask``
        is False; None: none) whose tokens' words are ``word_ids``, of at
        most ``num_words`` words each; chunks hold at most ``max_positions``
        tokens (None: no limit), overlapping by about ``overlap`` tokens."""
        lengths = (padding_mask.sum(1) if padding_mask is not None
                   else torch.full((len(inputs), ), inputs.shape[1])).tolist()
        rows, chunks = [], []
        for d, length in enumerate(lengths):
            ids = word_ids[d, :length]
            fixed = int((ids < 0).sum())
            limit = None if max_positions is None else max_positions - fixed
            try:
                doc_chunks, tokens = document_chunks(ids, limit, overlap)
            except ValueError as err:
                raise ValueError(f'Sample {d}: {err}') from err
            chunks.append(doc_chunks)
            rows += [(d, t, first) for (first, _), t in zip(doc_chunks, tokens)]
        longest = max(len(t) for _, t, _ in rows)
        out = inputs.new_zeros((len(rows), longest) + tuple(inputs.shape[2:]))
        pm = torch.zeros(len(rows), longest, dtype=torch.bool, device=inputs.device)
        wids = torch.full((len(rows), longest), -1, dtype=torch.long,
                          device=word_ids.device)
        for r, (d, tokens, first) in enumerate(rows):
            n = len(tokens)
            out[r, :n], pm[r, :n] = inputs[d, tokens.to(inputs.device)], True
            row_words = word_ids[d, tokens]
            wids[r, :n] = torch.where(row_words >= 0, row_words - first, row_words)
        owner = torch.tensor([d for d, _, _ in rows])
        return cls(out, pm, wids, owner, chunks, num_words)

    def mean(self, values: torch.Tensor) -> torch.Tensor:
        """Per-row ``values (R, ...)`` -> per-document means ``(B, ...)``."""
        return mean_per_document(values, self.owner, len(self.chunks))

    def to_words(self, maps: torch.Tensor) -> torch.Tensor:
        """Per-token ``maps (R, L)`` of the rows -> one value per word of each
        document ``(B, num_words)``: each row's tokens pooled to its words
        (:func:`pool_to_words`), a document's chunks blended over their
        overlaps (:func:`blend_chunks`)."""
        row_words = max(end - first for doc in self.chunks for first, end in doc)
        per_row = pool_to_words(maps.float(), self.word_ids.to(maps.device), row_words)
        out = torch.zeros(len(self.chunks), self.num_words)
        row = 0
        for d, doc in enumerate(self.chunks):
            parts = [per_row[row + c, :end - first] for c, (first, end) in enumerate(doc)]
            out[d, :doc[-1][1]] = (parts[0].cpu() if len(doc) == 1 else
                                   blend_chunks(doc, parts, doc[-1][1]))
            row += len(doc)
        return out
