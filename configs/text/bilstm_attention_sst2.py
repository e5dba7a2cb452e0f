# BiLSTM with additive attention on SST-2 (GLUE train split; dev = the
# GLUE training sentences' held-out file dev.tsv).
_base_ = ['../_base_/models/bilstm_attention.py']
data = dict(
    train=dict(type='SST2', split='train', min_freq=1),
    val=dict(type='SST2', split='dev'))
train = dict(epochs=2, batch_size=64, lr=1e-3, clip_grad=5.0)
seed = 0
