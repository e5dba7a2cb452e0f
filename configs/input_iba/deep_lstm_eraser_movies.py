# InputIBA on the deep LSTM (layer rnn_4) with the reference's text schedule
# (methods.md §2): feature beta 15, input beta 30, 30 input steps at lr 0.5,
# no smoothing, generator mask lr 0.03. Train the classifier first:
#   python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \
#       --work-dir work_dirs/deep_lstm_eraser_movies
_base_ = ['../_base_/models/deep_lstm.py', '../_base_/datasets/eraser_movies.py']
# paths relative to the repository root (where the tools run)
model = dict(hidden_dim=128, dropout=0.3,
             vocab_file='work_dirs/deep_lstm_eraser_movies/vocab.json',
             checkpoint='work_dirs/deep_lstm_eraser_movies/best.pth')
attributor = dict(type='InputIBA', layer='rnn_4', schedule='published_text')
