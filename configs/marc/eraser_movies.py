# MaRC on ERASER movie reviews (validation) with the deep LSTM, with the
# published text defaults (methods.md §3; docs/marc.md): AdamW lr 3e-2, at most
# 900 steps, padding embedding as the baseline, chunks of 510 tokens. Train
# the classifier first:
#   python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \
#       --work-dir work_dirs/deep_lstm_eraser_movies
# then: python tools/nlp/train_nlp.py configs/marc/eraser_movies.py --work-dir work_dirs/marc_eraser
_base_ = ['../_base_/models/deep_lstm.py', '../_base_/datasets/eraser_movies.py']
# paths relative to the repository root (where the tools run)
model = dict(hidden_dim=128, dropout=0.3,
             vocab_file='work_dirs/deep_lstm_eraser_movies/vocab.json',
             checkpoint='work_dirs/deep_lstm_eraser_movies/best.pth')
attributor = dict(type='MaRC', adapter=dict(type='TokenEmbeddingAdapter'))
