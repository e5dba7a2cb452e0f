# An empirical explainer of Integrated Gradients (20 steps, zero = <pad>
# embedding baseline, signed sum over the embedding dimension: the
# reference's setting, methods.md §4) for the small SST-2 BiLSTM of
# bilstm_sst2_classifier.py. Per-token linear head on a trained copy of the
# BiLSTM encoder. Steps (2-core CPU):
#   python tools/explain_dataset.py configs/empirical_explainer/ig_bilstm_sst2.py \
#       --work-dir work_dirs/ee_ig_sst2/targets
#   python tools/train_explainer.py configs/empirical_explainer/ig_bilstm_sst2.py \
#       --work-dir work_dirs/ee_ig_sst2
#   python tools/evaluate_explainer.py configs/empirical_explainer/ig_bilstm_sst2.py \
#       --work-dir work_dirs/ee_ig_sst2
#   python -m benchmarks.speed.empirical_explainer_speed \
#       configs/empirical_explainer/ig_bilstm_sst2.py --work-dir work_dirs/ee_ig_sst2
_base_ = ['../_base_/models/bilstm_attention.py']
classifier_dir = 'work_dirs/ee_sst2_classifier'
model = dict(embedding_dim=64, hidden_dim=64, attention_dim=64,
             vocab_file=f'{classifier_dir}/vocab.json',
             checkpoint=f'{classifier_dir}/best.pth')
# the explained sentences: the first 10,000 of the GLUE training split
data = dict(attribute=dict(type='SST2', split='train', num_samples=10000,
                           vocab=f'{classifier_dir}/vocab.json'))
# the expensive explainer and how tools/explain_dataset.py runs it
attributor = dict(type='IntegratedGradients', steps=20,
                  baseline=0.0, reduction='sum', internal_batch_size=640)
explain = dict(shard_size=500, target='prediction')
# samples attributed together (the target attributor and the explainer)
attribution = dict(batch_size=32)
targets_dir = 'work_dirs/ee_ig_sst2/targets'
# the empirical explainer: encoder copy up to the BiLSTM (2 x 64 units)
explainer = dict(layer='encoder', feature_dim=128, head='token')
train = dict(epochs=30, batch_size=32, lr=1e-3, patience=3, rank_weight=0.0,
             val_fraction=0.2)
seed = 0
evaluation = dict(
    # IG with 1..20 steps against the 20-step target
    convergence=dict(key='steps', values=[1, 2, 3, 4, 6, 8, 12, 16], target_value=20),
    curve_samples=200,
    faithfulness=dict(type='ERASERFaithfulness'),
    faithfulness_samples=200,
    visuals=10)
visualizer = dict(type='TokenHeatmap')
