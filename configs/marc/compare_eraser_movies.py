# MaRC next to InputIBA and Integrated Gradients on ERASER movie reviews
# (validation, every 25th document: 4 negative and 4 positive) with the
# trained deep LSTM, scored by ERASER comprehensiveness/sufficiency and
# agreement with the human rationales (token F1, IOU F1, AUPRC). MaRC keeps
# the published text defaults except at most 400 steps instead of 900 (a
# 2-core CPU; docs/results/marc.md). Train the classifier first (see
# configs/text/deep_lstm_eraser_movies.py), then
#   python tools/nlp/compare_nlp.py configs/marc/compare_eraser_movies.py \
#       --work-dir work_dirs/marc_compare_eraser
_base_ = ['../compare/deep_lstm_eraser_movies.py']
data = dict(attribute=dict(step=25))
methods = dict(
    _delete_=True,
    MaRC=dict(type='MaRC', max_steps=400),
    # the reference text schedule except a lighter GAN (5 epochs over 64 samples)
    InputIBA=dict(type='InputIBA', layer='rnn_4',
                  feat_iba=dict(beta=15.0, steps=10, lr=1.0, copies=10, sigma=0),
                  gan=dict(mask_lr=0.03, dataset_size=64, subset_size=16,
                           batch_size=16, epochs=5),
                  input_iba=dict(beta=30.0, steps=30, lr=0.5, copies=10, sigma=0)),
    IntegratedGradients={{_base_.methods.IntegratedGradients}})
attribution = dict(batch_size=dict(_delete_=True, MaRC=4, InputIBA=4, IntegratedGradients=1))
