# MaRC on ERASER movie reviews (validation) with the deep LSTM, with the
# published text defaults (methods.md §3; docs/marc.md): AdamW lr 3e-2, at most
# 900 steps, padding embedding as the baseline, chunks of 510 tokens. The model,
# its checkpoint and the data are those of the InputIBA text config; train the
# classifier first (see configs/text/deep_lstm_eraser_movies.py), then
#   python tools/nlp/train_nlp.py configs/marc/eraser_movies.py --work-dir work_dirs/marc_eraser
_base_ = ['../input_iba/deep_lstm_eraser_movies.py']
attributor = dict(_delete_=True, type='MaRC')
