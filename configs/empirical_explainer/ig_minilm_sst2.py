# An empirical explainer of Integrated Gradients (20 steps, padding-embedding
# baseline, signed sum over the embedding dimension, as the reference) for
# MiniLM fine-tuned on SST-2 (configs/text/minilm_sst2.py), word-level maps
# (the mean over a word's WordPiece tokens). The explainer: a trained copy of
# the MiniLM encoder up to its last layer and a per-token linear head (or
# the reference's flat head: --cfg-options explainer.head=flat
# explainer.max_length=64), pooled to words like every method. Steps:
#   python tools/nlp/train_classifier.py configs/text/minilm_sst2.py \
#       --work-dir work_dirs/minilm_sst2
#   python tools/explain_dataset.py configs/empirical_explainer/ig_minilm_sst2.py \
#       --work-dir work_dirs/ee_ig_minilm/targets
#   python tools/train_explainer.py configs/empirical_explainer/ig_minilm_sst2.py \
#       --work-dir work_dirs/ee_ig_minilm
#   python tools/evaluate_explainer.py configs/empirical_explainer/ig_minilm_sst2.py \
#       --work-dir work_dirs/ee_ig_minilm
#   python -m benchmarks.speed.empirical_explainer_speed \
#       configs/empirical_explainer/ig_minilm_sst2.py \
#       --work-dir work_dirs/ee_ig_minilm
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'
classifier_dir = 'work_dirs/minilm_sst2'
model = dict(checkpoint=f'{classifier_dir}/best.pth')
# the explained sentences: the first 2,500 GLUE training rows of at least 5
# words (as the reference, training data of the classifier)
data = dict(attribute=dict(type='SST2', split='train', min_tokens=5, num_samples=2500,
                           tokenizer=minilm, max_positions=64, long_documents='truncate'))
attributor = dict(type='IntegratedGradients', steps=20, baseline='pad', reduction='sum',
                  internal_batch_size=320)
explain = dict(shard_size=250, target='prediction')
attribution = dict(batch_size=16)
targets_dir = 'work_dirs/ee_ig_minilm/targets'
# the encoder copy up to the last BertLayer (384-d per token)
explainer = dict(layer='hf.bert.encoder.layer.5.output', feature_dim=384, head='token')
train = dict(epochs=6, batch_size=32, lr=5e-5, patience=2, rank_weight=0.0,
             val_fraction=0.2)
seed = 0
evaluation = dict(
    convergence=dict(key='steps', values=[1, 2, 3, 4, 6, 8, 12, 16], target_value=20),
    curve_samples=100,
    faithfulness=dict(type='ERASERFaithfulness'),
    faithfulness_samples=200,
    visuals=10)
visualizer = dict(type='TokenHeatmap')
