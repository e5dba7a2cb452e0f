"""A small vocabulary: whitespace tokens, lower-cased, with special tokens."""
from collections import Counter

from .io import read_json, save_json

PAD, UNK, MASK = '<pad>', '<unk>', '<mask>'
SPECIALS = (PAD, UNK, MASK)


def tokenize(text):
    """Lower-cased whitespace tokens (ERASER and SST-2 are pre-tokenised)."""
    return text.lower().split()


class Vocabulary:
    """Token <-> id. Ids 0, 1, 2 are ``<pad>``, ``<unk>``, ``<mask>``."""

    def __init__(self, tokens):
        self.itos = list(SPECIALS) + [t for t in tokens if t not in SPECIALS]
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    pad_id, unk_id, mask_id = 0, 1, 2

    def __len__(self):
        return len(self.itos)

    def encode(self, tokens):
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids):
        return [self.itos[i] for i in ids]

    @classmethod
    def build(cls, texts, min_freq=1, max_size=None):
        """From tokenised ``texts``: tokens seen ``min_freq`` times or more,
        most frequent first (ties alphabetical), at most ``max_size``."""
        counts = Counter(t for tokens in texts for t in tokens)
        ranked = sorted((t for t, c in counts.items() if c >= min_freq),
                        key=lambda t: (-counts[t], t))
        return cls(ranked[:max_size])

    def save(self, path):
        save_json(path, dict(itos=self.itos))

    @classmethod
    def load(cls, path):
        stored = read_json(path, 'an input_iba vocabulary')
        itos = stored.get('itos', ()) if isinstance(stored, dict) else ()
        if tuple(itos[:3]) != SPECIALS:
            raise ValueError(f'{path} is not an input_iba vocabulary (it must '
                             f'start with {SPECIALS}).')
        return cls(itos[3:])
