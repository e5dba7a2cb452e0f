# An amortised InputIBA for MiniLM on ERASER movie reviews (issue 31, text):
# the teacher is the InputIBA row of configs/compare/minilm_eraser_movies_whole.py
# (the shared MiniLM fine-tuned on the 1,600 training reviews, feature bottleneck
# on the 4th BertLayer, the text schedule's beta with the GAN off, 2 noise
# copies, 5 + 10 steps, the prior at the feature mask's mean per token, layer
# statistics from 32 training reviews cut at 512), run on the first 1,000
# training reviews cut at 256 word pieces (whole reviews cost about 3 chunks of
# 512 each: 33 CPU s per review). The explainer: a trained copy of MiniLM up to
# its last BertLayer with a per-token head, MSE + (1 - Pearson r); it explains
# whole validation reviews chunk by chunk like every method, so it is scored
# with the same two protocols as the other rows
# (configs/compare/minilm_eraser_movies_whole_amortised.py). Steps:
#   CFG=configs/empirical_explainer/input_iba_minilm_eraser_movies.py
#   python tools/explain_dataset.py $CFG --work-dir work_dirs/ee_iiba_movies/targets
#   python tools/train_explainer.py $CFG --work-dir work_dirs/ee_iiba_movies
#   python tools/evaluate_explainer.py $CFG --work-dir work_dirs/ee_iiba_movies
_base_ = ['../compare/minilm_eraser_movies_whole.py']
data = dict(
    attribute=dict(_delete_=True, type='EraserMovies', split='train', num_samples=1000,
                   tokenizer={{_base_.minilm}}, max_positions=256,
                   long_documents='truncate'))
attributor = {{_base_.methods.InputIBA}}
explain = dict(shard_size=50, target='label')
attribution = dict(batch_size=1)
targets_dir = 'work_dirs/ee_iiba_movies/targets'
explainer = dict(layer='hf.bert.encoder.layer.5.output', feature_dim=384, head='token')
train = dict(epochs=6, batch_size=16, lr=5e-5, patience=2, correlation_weight=1.0,
             val_fraction=0.2)
evaluation = dict(_delete_=True, faithfulness_samples=50, visuals=4)
