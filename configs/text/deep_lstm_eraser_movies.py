# The deep LSTM on ERASER movie reviews; documents cut at 400 tokens to keep
# CPU training to minutes (the rationales past token 400 are then unseen).
_base_ = ['../_base_/models/deep_lstm.py']
max_length = 400
data = dict(
    train=dict(type='EraserMovies', split='train', max_length=max_length, min_freq=2),
    val=dict(type='EraserMovies', split='val', max_length=max_length))
train = dict(epochs=6, batch_size=32, lr=1e-3, clip_grad=5.0, seed=0)
