# The 10-level BiLSTM-attention study of bilstm_attention_sst2_10_levels_cpu.py
# (same data, model, training, seeds, every measure of it) with InputIBA
# added on a *light* schedule, sized for the project's 2-core CPU: feature
# bottleneck 10 steps x 1 noise copy, the GAN untrained (its mask, sigmoid of
# the feature mask's bits per token, is the input prior), input bottleneck 5
# steps x 1 copy; about 12 ms per sentence on one thread. The GPU config's
# schedule (10 + 10 steps x 2 copies, a 3-epoch GAN;
# bilstm_attention_sst2_paper.py) takes 0.9 s; the tokens the light schedule
# masks agree with that schedule's as much as its two seeds agree with each
# other (benchmarks/roar/schedule_agreement.py, docs/results/roar.md).
# Run into the 10-level study's work dir: only InputIBA's steps are new.
#   W=work_dirs/roar_sst2_10_levels
#   python tools/nlp/roar.py CONFIG --work-dir $W --cfg-options "roar.seeds=[0,2,4]" &
#   python tools/nlp/roar.py CONFIG --work-dir $W --cfg-options "roar.seeds=[1,3]"; wait
#   python tools/nlp/roar.py CONFIG --work-dir $W
_base_ = ['./bilstm_attention_sst2_10_levels_cpu.py']
measures = dict(
    input_iba_light=dict(type='InputIBA', layer='encoder',
                         feat_iba=dict(steps=10, copies=1),
                         gan=dict(epochs=0),
                         input_iba=dict(steps=5, copies=1)))
