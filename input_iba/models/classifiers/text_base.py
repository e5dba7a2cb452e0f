"""The interface of text classifiers and a padding-safe LSTM layer.

A text classifier maps token ids ``(B, L)`` and a ``padding_mask`` (True on
real tokens) to logits, in two steps that attributors call separately:
``embed(ids) -> (B, L, D)`` and ``forward_embeddings(emb, padding_mask)``.
"""
import os.path as osp

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def vocab_size_of(vocab_size, vocab_file):
    if vocab_size is not None:
        return vocab_size
    if vocab_file is None:
        raise ValueError('Give the model vocab_size=... or vocab_file=<vocab.json>.')
    from input_iba.datasets.text import Vocabulary
    return len(Vocabulary.load(vocab_file))


class TextClassifier(nn.Module):
    """Base: ``forward(ids, padding_mask=None)`` = embed + forward_embeddings."""

    def embed(self, ids):
        raise NotImplementedError

    def forward_embeddings(self, emb, padding_mask=None):
        raise NotImplementedError

    def forward(self, ids, padding_mask=None):
        if padding_mask is None:
            padding_mask = torch.ones_like(ids, dtype=torch.bool)
        return self.forward_embeddings(self.embed(ids), padding_mask)

    def load_checkpoint(self, checkpoint):
        if checkpoint is None:
            return self
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'Checkpoint {checkpoint!r} not found: train one with '
                'tools/nlp/train_classifier.py CONFIG --work-dir DIR.')
        state = torch.load(checkpoint, map_location='cpu', weights_only=True)
        self.load_state_dict(state.get('model', state))
        return self


class PaddedLSTM(nn.Module):
    """An LSTM over right-padded batches that never reads padding: the
    sequences are packed by length, and the output is padded with zeros.
    Returns a plain ``(B, L, H * directions)`` tensor, so it can be hooked."""

    def __init__(self, input_size, hidden_size, bidirectional=False):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True,
                            bidirectional=bidirectional)

    def forward(self, x, padding_mask):
        lengths = padding_mask.sum(1).clamp_min(1).cpu()
        packed = pack_padded_sequence(x, lengths, batch_first=True,
                                      enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True,
                                     total_length=x.shape[1])
        return out


def last_valid(seq, padding_mask):
    """``seq[b, length_b - 1]`` for every row: ``(B, L, H) -> (B, H)``."""
    idx = (padding_mask.sum(1) - 1).clamp_min(0)
    return seq[torch.arange(seq.shape[0], device=seq.device), idx]
