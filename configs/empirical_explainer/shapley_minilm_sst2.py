# An empirical explainer of Shapley value sampling (20 random token orders,
# padding-embedding baseline, signed) for MiniLM fine-tuned on SST-2, the
# reference's second target; same data layout and explainer as
# ig_minilm_sst2.py, on 600 sentences (Shapley sampling costs one forward
# pass per token and order: 2.3 s per sentence on one CPU thread). Steps: as
# in ig_minilm_sst2.py with work_dirs/ee_shapley_minilm.
_base_ = ['./ig_minilm_sst2.py']
data = dict(attribute=dict(num_samples=600))
attributor = dict(_delete_=True, type='ShapleyValueSampling', n_samples=20, baseline='pad',
                  internal_batch_size=128)
explain = dict(shard_size=100)
# 480 training sentences: more, shorter epochs than the IG explainer's
train = dict(epochs=20, patience=3)
targets_dir = 'work_dirs/ee_shapley_minilm/targets'
evaluation = dict(
    convergence=dict(key='n_samples', values=[1, 2, 4, 8, 12, 16], target_value=20))
