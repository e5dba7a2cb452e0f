# InputIBA as a Recursive ROAR measure of the BiLSTM-attention model on the
# paper's grid (10 ... 100%, 5 seeds), sized for the project's 2-core CPU:
# the study of bilstm_attention_sst2_10_levels_cpu.py (same data, model,
# training, seeds; run it into the same work dir to share its random curve
# and its unmasked and fully masked models) with one measure added,
# InputIBA on a *light* schedule: feature bottleneck 10 steps x 1 noise copy,
# the GAN untrained (its mask, sigmoid of the feature mask's bits per token,
# is the input prior), input bottleneck 5 steps x 1 copy; about 12 ms per
# sentence on one thread. The GPU config's schedule (10 + 10 steps x 2
# copies, a 3-epoch GAN; bilstm_attention_sst2_paper.py) takes 0.9 s; the
# tokens the light schedule masks at 10% agree with that schedule's (seed 0
# and 1) as much as its two seeds agree with each other
# (docs/results/roar.md).
#   W=work_dirs/roar_sst2_10_levels
#   python tools/nlp/roar.py CONFIG --work-dir $W --cfg-options "roar.seeds=[0,2,4]" &
#   python tools/nlp/roar.py CONFIG --work-dir $W --cfg-options "roar.seeds=[1,3]"; wait
_base_ = ['./bilstm_attention_sst2_10_levels_cpu.py']
measures = dict(
    _delete_=True,
    random=dict(type='Random'),
    input_iba_light=dict(type='InputIBA', layer='encoder',
                         feat_iba=dict(steps=10, copies=1),
                         gan=dict(epochs=0),
                         input_iba=dict(steps=5, copies=1)))
