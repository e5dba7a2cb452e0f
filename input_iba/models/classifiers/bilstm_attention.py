"""BiLSTM with additive attention (the Recursive ROAR model)."""
import torch
import torch.nn as nn

from input_iba.registry import MODELS

from .text_base import PaddedLSTM, TextClassifier, vocab_size_of


@MODELS.register_module()
class BiLSTMAttention(TextClassifier):
    """Embedding (300), a BiLSTM (128 per direction, ``encoder``), additive
    attention ``a = softmax(v . tanh(W h))`` over real tokens, and a linear
    layer on the attended state. ``last_attention`` keeps the weights of the
    last forward pass ``(B, L)`` (the ROAR 'attention' importance).
    """

    def __init__(self, vocab_size=None, vocab_file=None, num_classes=2,
                 embedding_dim=300, hidden_dim=128, attention_dim=128,
                 dropout=0.0, checkpoint=None):
        super().__init__()
        vocab_size = vocab_size_of(vocab_size, vocab_file)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.encoder = PaddedLSTM(embedding_dim, hidden_dim, bidirectional=True)
        self.attention_proj = nn.Linear(2 * hidden_dim, attention_dim)
        self.attention_score = nn.Linear(attention_dim, 1, bias=False)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * hidden_dim, num_classes)
        self.last_attention = None
        self.load_checkpoint(checkpoint)

    def embed(self, ids):
        return self.embedding(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        h = self.encoder(self.dropout(emb), padding_mask)
        scores = self.attention_score(torch.tanh(self.attention_proj(h)))[..., 0]
        scores = scores.masked_fill(~padding_mask, float('-inf'))
        attention = scores.softmax(1)
        self.last_attention = attention.detach()
        return self.fc(self.dropout((attention[..., None] * h).sum(1)))
