"""Words through a Hugging Face (fast) tokenizer, kept word-level.

The datasets read whitespace words (ERASER's token offsets index them); a
sub-word tokenizer splits each word into pieces. ``word_ids`` maps every
token to its word (``-1`` for special tokens such as ``[CLS]``/``[SEP]``),
so masks, human rationales and metrics stay one value per *word*, whatever
the tokenizer: :func:`pool_to_words` turns per-token maps into per-word maps.
"""
import torch

LONG_DOCUMENTS = ('truncate', 'keep', 'error')


def _word_ids(encoding, index=0):
    return [-1 if w is None else w for w in encoding.word_ids(index)]


def encode_documents(tokenizer, documents, max_positions, long_documents='truncate',
                     names=None):
    """Encode lists of words. Returns, per document, ``(ids, word_ids,
    kept_words)``: token ids with the tokenizer's special tokens, the word of
    each token and how many leading words were kept.

    A document longer than ``max_positions`` tokens is ``'truncate'``-d at a
    word boundary (only whole words that fit are kept), kept whole
    (``'keep'``: for methods that split long documents into chunks, e.g.
    MaRC), or refused (``'error'``).
    """
    if long_documents not in LONG_DOCUMENTS:
        raise ValueError(f'long_documents must be one of {LONG_DOCUMENTS}, got '
                         f'{long_documents!r}.')
    names = names or [str(i) for i in range(len(documents))]
    enc = tokenizer(list(documents), is_split_into_words=True, add_special_tokens=True,
                    truncation=False, verbose=False)
    specials = tokenizer.num_special_tokens_to_add()
    out = []
    for i, words in enumerate(documents):
        ids, wids = enc['input_ids'][i], _word_ids(enc, i)
        if len(ids) > max_positions and long_documents != 'keep':
            if long_documents == 'error':
                raise ValueError(
                    f'Document {names[i]!r} has {len(ids)} tokens, more than '
                    f'max_positions={max_positions}: set long_documents='
                    "'truncate' (or 'keep' for a method that chunks, e.g. MaRC).")
            pieces = [w for w in wids if w >= 0]
            kept = pieces[max_positions - specials]  # first word that does not fit
            if kept == 0:
                raise ValueError(f'The first word of {names[i]!r} alone has more than '
                                 f'{max_positions - specials} tokens.')
            one = tokenizer([list(words[:kept])], is_split_into_words=True,
                            add_special_tokens=True, truncation=False)
            ids, wids = one['input_ids'][0], _word_ids(one)
        else:
            kept = len(words)
        out.append((ids, wids, kept))
    return out


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
