# Every text method on whole ERASER movie reviews (validation), scored by
# both text protocols: the MaRC authors' (threshold_agreement,
# pad_faithfulness) and ERASER's (rationale_agreement, eraser).
# The classifier is fixed for every row: MiniLM fine-tuned on all 1,600
# training reviews cut at 512 positions, shipped with the shared data
# (models/minilm_eraser_movies.pth; ../shared/data/README.md; 0.820 on val
# cut at 512). Reviews are read whole: a review longer than the model's 512
# positions is explained chunk by chunk (510 word pieces, overlapping by
# 100, blended per word) and predicted from its chunks' mean logits.
# Every method explains the label. Documents: every 4th of the 200 (50).
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'
model = dict(checkpoint='data:models/minilm_eraser_movies.pth')
layer = 'hf.bert.encoder.layer.3.output'  # the 4th of 6 BertLayers
data = dict(
    attribute=dict(type='Subset', step=4,
                   dataset=dict(type='EraserMovies', split='val', tokenizer=minilm)),
    # InputIBA's layer statistics: 32 training reviews, cut to the model
    estimate=dict(type='Subset', step=50,
                  dataset=dict(type='EraserMovies', split='train', tokenizer=minilm,
                               long_documents='truncate')),
    num_estimation_samples=32, estimation_batch_size=8)
# Cheapest first (the tool runs them in this order; a rerun resumes).
methods = dict(
    Random=dict(type='Random'),
    Attention=dict(type='Attention', kind='last'),
    Saliency=dict(type='Saliency'),
    InputXGradient=dict(type='InputXGradient'),
    # InputIBA with the prior at the feature mask's mean per token (the
    # default prior is about 1 on every MiniLM token: no information cost);
    # published_text beta 15/30 with the GAN off, 2 noise copies, 5 + 10 steps
    InputIBA=dict(type='InputIBA', layer=layer, schedule='published_text',
                  feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0),
                  input_iba=dict(steps=10, copies=2), prior_init='lambda'),
    IntegratedGradients=dict(type='IntegratedGradients', steps=50, baseline='pad',
                             internal_batch_size=10),
    LIME=dict(type='Lime', samples=100),  # the MaRC authors' 100 coalitions per chunk
    # CPU cut: windows of 5 tokens by 5 (the text default slides by 1: about
    # 1,500 forward passes of 512 pieces per review, 4 minutes on one thread)
    Occlusion=dict(type='Occlusion', stride=5),
    MaRC=dict(type='MaRC'),  # its own schedule and stopping rule
)
attribution = dict(batch_size=1)
visualizer = dict(type='TokenHeatmap')
metrics = ['threshold_agreement', 'pad_faithfulness', 'rationale_agreement', 'eraser']
evaluation = dict(eraser=dict(fractions='eraser'))  # ERASER's bins 1, 5, 10, 20, 50%
seed = 0
