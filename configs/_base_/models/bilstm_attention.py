# The Recursive ROAR model: BiLSTM (128 per direction) with additive attention.
model = dict(type='BiLSTMAttention', embedding_dim=300, hidden_dim=128)
# masks act on the token embeddings; every attributor and metric gets it
adapter = dict(type='TokenEmbeddingAdapter')
