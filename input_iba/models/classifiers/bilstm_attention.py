"""BiLSTM with additive attention (the Recursive ROAR model)."""
import torch
import torch.nn as nn

from input_iba.registry import MODELS

from .pretrained import load_word_embeddings
from .text_base import PaddedLSTM, TextClassifier, vocab_size_of


@MODELS.register_module()
class BiLSTMAttention(TextClassifier):
    """Embedding (300), a BiLSTM (128 per direction, ``encoder``), additive
    attention ``a = softmax(v . tanh(W h))`` over real tokens, and a linear
    layer on the attended state. ``last_attention`` keeps the weights of the
    last forward pass ``(B, L)`` (the ROAR 'attention' importance).

    ``pretrained_embeddings``: a model folder or offline package (e.g.
    ``'all-MiniLM-L6-v2'``) whose word embedding matrix initialises the
    embedding (trained further), as the reference initialises its BiLSTM with
    pretrained word vectors; its shape sets ``vocab_size`` and
    ``embedding_dim``, and the data must be tokenised by that model's
    tokenizer (the datasets' ``tokenizer=``). Without it the embedding starts
    random, 300 wide unless ``embedding_dim`` says otherwise.
    """

    def __init__(self, vocab_size=None, vocab_file=None, num_classes=2,
                 embedding_dim=None, hidden_dim=128, attention_dim=128,
                 dropout=0.0, pretrained_embeddings=None, checkpoint=None):
        super().__init__()
        if pretrained_embeddings is None:
            self.embedding = nn.Embedding(vocab_size_of(vocab_size, vocab_file),
                                          embedding_dim or 300, padding_idx=0)
        else:
            weight = load_word_embeddings(pretrained_embeddings)
            sizes = dict(vocab_size=weight.shape[0], embedding_dim=weight.shape[1])
            given = dict(vocab_size=vocab_size, embedding_dim=embedding_dim)
            wrong = {k: v for k, v in given.items() if v not in (None, sizes[k])}
            if wrong or vocab_file is not None:
                raise ValueError(
                    f'The embeddings of {pretrained_embeddings!r} are {tuple(weight.shape)} '
                    f'(vocab_size, embedding_dim); the model was also given {wrong or vocab_file}: '
                    'drop vocab_size, vocab_file and embedding_dim (the matrix sets them).')
            self.embedding = nn.Embedding.from_pretrained(weight, freeze=False, padding_idx=0)
        embedding_dim = self.embedding.embedding_dim
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
