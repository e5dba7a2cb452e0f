# Recursive ROAR for the BiLSTM-attention model on SST-2 at close to the
# published scale, for one GPU (docs/results/roar.md): 6,920 GLUE training
# rows with at least 10 tokens (as many as SST's sentence-level training
# split), 1,000 such rows held out for early stopping, all 872 test sentences
# (GLUE dev); Adam at the published lr 1e-3, the best of 4 epochs; integrated
# gradients with the published 50 steps; InputIBA with a moderate schedule.
# Masking levels 25/50/75/100% (published: every 10%).
_base_ = ['./bilstm_attention_sst2.py']
data = dict(
    train=dict(num_samples=6920),
    val=dict(num_samples=1000, min_tokens=10),
    test=dict(num_samples=None))
train = dict(epochs=4, batch_size=32, lr=1e-3)
measures = dict(
    integrated_gradients=dict(steps=50),
    InputIBA=dict(feat_iba=dict(steps=10, copies=2),
                  gan=dict(dataset_size=64, subset_size=32, batch_size=32, epochs=3),
                  input_iba=dict(steps=10, copies=2),
                  critic=dict(hidden=32)))
roar = dict(estimation_samples=1000)
attribution = dict(batch_size=512)
