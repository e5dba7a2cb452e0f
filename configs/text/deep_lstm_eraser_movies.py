# The deep LSTM on ERASER movie reviews. To train on one CPU thread in about
# ten minutes: documents cut at 256 tokens (rationales past token 256 are
# unseen), hidden size 128 (the reference: 256), 8 epochs at lr 5e-3.
_base_ = ['../_base_/models/deep_lstm.py']
model = dict(hidden_dim=128, dropout=0.3)
max_length = 256
data = dict(
    train=dict(type='EraserMovies', split='train', max_length=max_length, min_freq=2),
    val=dict(type='EraserMovies', split='val', max_length=max_length))
train = dict(epochs=8, batch_size=32, lr=5e-3, clip_grad=5.0)
seed = 0
