# The deep LSTM of InputIBA's text experiments (4 stacked LSTMs, hidden 256).
# Mean pooling over tokens: trained from scratch on ERASER (no GloVe), the
# max-pooled readout stayed at chance (see DeepLSTM's docstring).
model = dict(type='DeepLSTM', embedding_dim=100, hidden_dim=256, num_layers=4,
             dropout=0.5, pooling='mean')
# masks act on the token embeddings; every attributor and metric gets it
adapter = dict(type='TokenEmbeddingAdapter')
