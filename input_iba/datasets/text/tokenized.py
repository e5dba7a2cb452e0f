"""Words through a Hugging Face (fast) tokenizer, kept word-level.

The datasets read whitespace words (ERASER's token offsets index them); a
sub-word tokenizer splits each word into pieces. ``word_ids`` maps every
token to its word (``-1`` for special tokens such as ``[CLS]``/``[SEP]``),
so masks, human rationales and metrics stay one value per *word*, whatever
the tokenizer: :func:`input_iba.utils.words.pool_to_words` turns per-token maps into
per-word maps.
A pair of texts (premise and hypothesis) is encoded as the tokenizer's pair
(``[CLS] a [SEP] b [SEP]`` for BERT) and its words are numbered on through
both segments: the second segment's first word follows the first's last.
"""
import torch

LONG_DOCUMENTS = ('truncate', 'keep', 'error')


def _encode(tokenizer, documents):
    """``(ids, word_ids)`` of documents that are all tuples of one or two
    word lists; the second segment's word ids continue the first's."""
    pair = len(documents[0]) == 2
    enc = tokenizer([d[0] for d in documents],
                    [d[1] for d in documents] if pair else None,
                    is_split_into_words=True, add_special_tokens=True,
                    truncation=False, verbose=False)
    out = []
    for i, doc in enumerate(documents):
        wids = [-1 if w is None else w + (len(doc[0]) if s == 1 else 0)
                for w, s in zip(enc.word_ids(i), enc.sequence_ids(i))]
        out.append((enc['input_ids'][i], wids))
    return out


def _fit(counts, budget):
    """Words kept per segment (``counts``: the token count of each word of
    each segment) so that at most ``budget`` tokens remain: the last word
    of the segment with the most tokens goes first (the first segment on
    ties), as the tokenizers' ``'longest_first'``. None if a segment would
    lose all its words."""
    kept = [len(c) for c in counts]
    tokens = [sum(c) for c in counts]
    while sum(tokens) > budget:
        s = tokens.index(max(tokens))
        kept[s] -= 1
        tokens[s] -= counts[s][kept[s]]
        if kept[s] == 0:
            return None
    return tuple(kept)


def encode_documents(tokenizer, documents, max_positions, long_documents='keep',
                     names=None):
    """Encode documents: each a list of words, or a pair ``(words_a,
    words_b)`` of them (all of one kind). Returns, per document, ``(ids,
    word_ids, kept)``: token ids with the tokenizer's special tokens, the
    word of each token and how many leading words of each segment were kept
    (a tuple of one or two counts).

    A document longer than ``max_positions`` tokens is ``'truncate'``-d at
    word boundaries (only whole words that fit are kept; a pair loses words
    from the end of its longer segment first), kept whole (``'keep'``: for
    methods that split long documents into chunks, e.g. MaRC), or refused
    (``'error'``).
    """
    if long_documents not in LONG_DOCUMENTS:
        raise ValueError(f'long_documents must be one of {LONG_DOCUMENTS}, got '
                         f'{long_documents!r}.')
    names = names or [str(i) for i in range(len(documents))]
    docs = [tuple(d) if isinstance(d, tuple) else (d, ) for d in documents]
    if len({len(d) for d in docs}) > 1:
        raise ValueError('Documents must be all single texts or all pairs.')
    budget = max_positions - tokenizer.num_special_tokens_to_add(pair=len(docs[0]) == 2)
    out = []
    for i, (doc, (ids, wids)) in enumerate(zip(docs, _encode(tokenizer, docs))):
        kept = tuple(len(s) for s in doc)
        if len(ids) > max_positions and long_documents != 'keep':
            if long_documents == 'error':
                raise ValueError(
                    f'Document {names[i]!r} has {len(ids)} tokens, more than '
                    f'max_positions={max_positions}: set long_documents='
                    "'truncate' (or 'keep' for a method that chunks, e.g. MaRC).")
            per_word = torch.bincount(torch.tensor([w for w in wids if w >= 0]),
                                      minlength=sum(kept)).tolist()
            counts = [per_word[:kept[0]], per_word[kept[0]:]][:len(doc)]
            kept = _fit(counts, budget)
            if kept is None:
                raise ValueError(f'{names[i]!r} does not fit in {max_positions} '
                                 'positions with a whole word of each of its '
                                 'texts: raise max_positions.')
            (ids, wids), = _encode(tokenizer, [tuple(s[:k] for s, k in zip(doc, kept))])
        out.append((ids, wids, kept))
    return out
