"""The deep LSTM of the InputIBA paper's text experiments."""
import torch.nn as nn

from input_iba.registry import MODELS

from .text_base import PaddedLSTM, TextClassifier, last_valid, vocab_size_of


@MODELS.register_module()
class DeepLSTM(TextClassifier):
    """Embedding, four stacked unidirectional LSTMs (``rnn_1`` ... ``rnn_4``),
    dropout and a linear layer on a summary of ``rnn_4``'s outputs. InputIBA
    hooks ``rnn_4``. Sizes follow the reference (embedding 100, hidden 256).

    Args:
        pooling: ``'last'`` (the reference: the last real token's output),
            ``'max'`` or ``'mean'`` over real tokens. From scratch (no GloVe)
            on 1600 ERASER reviews cut at 128 tokens, ``'max'`` stayed at
            chance for three epochs (lr 5e-4 and 2e-3) while ``'mean'``
            learned (docs/results/text_classifiers.md).
    """

    def __init__(self, vocab_size=None, vocab_file=None, num_classes=2,
                 embedding_dim=100, hidden_dim=256, num_layers=4, dropout=0.5,
                 pooling='last', checkpoint=None):
        super().__init__()
        vocab_size = vocab_size_of(vocab_size, vocab_file)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        sizes = [embedding_dim] + [hidden_dim] * num_layers
        for i in range(num_layers):
            self.add_module(f'rnn_{i + 1}', PaddedLSTM(sizes[i], sizes[i + 1]))
        self.num_layers = num_layers
        self.dropout = nn.Dropout(dropout)
        if pooling not in ('last', 'max', 'mean'):
            raise ValueError(
                f"pooling must be 'last', 'max' or 'mean', got {pooling!r}.")
        self.pooling = pooling
        self.fc = nn.Linear(hidden_dim, num_classes)
        self.load_checkpoint(checkpoint)

    def embed(self, ids):
        return self.embedding(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        h = self.dropout(emb)
        for i in range(self.num_layers):
            h = getattr(self, f'rnn_{i + 1}')(h, padding_mask)
        if self.pooling == 'last':
            summary = last_valid(h, padding_mask)
        elif self.pooling == 'max':
            summary = h.masked_fill(~padding_mask[..., None], float('-inf')).max(1).values
        else:  # PaddedLSTM outputs are zero on padding
            summary = h.sum(1) / padding_mask.sum(1, keepdim=True).clamp_min(1)
        return self.fc(self.dropout(summary))
