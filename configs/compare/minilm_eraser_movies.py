# InputIBA, MaRC, Integrated Gradients, saliency, input x gradient,
# attention (last layer, rollout) and random on ERASER movie reviews
# (validation) with MiniLM fine-tuned by configs/text/minilm_eraser_movies.py
# (or its CPU cut, minilm_eraser_movies_cpu.py), word-level masks, ERASER
# faithfulness and agreement with the human rationales
# (docs/results/text_transformer.md). Fine-tune first:
#   python tools/nlp/train_classifier.py configs/text/minilm_sst2.py \
#       --work-dir work_dirs/minilm_sst2
#   python tools/nlp/train_classifier.py configs/text/minilm_eraser_movies_cpu.py \
#       --work-dir work_dirs/minilm_eraser_movies
# Documents: every 4th of the 200 (the split is sorted by label: 25 negative,
# 25 positive), cut at a word boundary to the model's 512 positions (each
# document's meta records its truncated words). Schedules: the published text settings where
# a GPU is lent (schedule='published_text', MaRC's defaults, IG 50 steps);
# the CPU cuts below are named in the results page.
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'
classifier_dir = 'work_dirs/minilm_eraser_movies'
max_positions = 512
model = dict(checkpoint=classifier_dir + '/best.pth')
layer = 'hf.bert.encoder.layer.3.output'  # the 4th of 6 BertLayers
data = dict(
    attribute=dict(type='Subset', step=4,
                   dataset=dict(type='EraserMovies', split='val', tokenizer=minilm,
                                max_positions=max_positions, long_documents='truncate')),
    estimate=dict(type='Subset', step=50,
                  dataset=dict(type='EraserMovies', split='train', tokenizer=minilm,
                               max_positions=max_positions, long_documents='truncate')),
    num_estimation_samples=32, estimation_batch_size=8)
methods = dict(
    Random=dict(type='Random'),
    Attention=dict(type='Attention', kind='last'),
    AttentionRollout=dict(type='Attention', kind='rollout'),
    Saliency=dict(type='Saliency'),
    InputXGradient=dict(type='InputXGradient'),
    IntegratedGradients=dict(type='IntegratedGradients', steps=20, baseline='pad',
                             internal_batch_size=10),
    # published_text with the GAN off (untrained prior, as InputIBA's 'fast')
    # and 2 noise copies, 5 feature and 10 input steps
    InputIBA=dict(type='InputIBA', layer=layer, schedule='published_text',
                  feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0),
                  input_iba=dict(steps=10, copies=2)),
    # the same with the prior at the feature mask's mean per token: the
    # default prior is about 1 on every MiniLM token (no information cost)
    InputIBALambdaPrior=dict(type='InputIBA', layer=layer, schedule='published_text',
                             feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0),
                             input_iba=dict(steps=10, copies=2), prior_init='lambda'),
    # MaRC's text defaults, stopped after 30 of at most 900 steps
    MaRC=dict(type='MaRC', max_steps=30),
)
attribution = dict(batch_size=1)
visualizer = dict(type='TokenHeatmap')
metrics = ['eraser', 'rationale_agreement']
evaluation = dict(eraser=dict(fractions='eraser'))  # CPU cut: bins 1, 5, 10, 20, 50%
seed = 0
