# Recursive ROAR for the BiLSTM-attention model on SST-2 on the paper's grid
# (every 10% of the tokens, 5 seeds), sized for the project's 2-core CPU
# (docs/results/roar.md): the data, model and training of
# bilstm_attention_sst2_gpu.py, batches bucketed by length (half the
# training time, the same number of steps), every measure of the paper:
# random, mutual information, attention, gradient, input x gradient and
# integrated gradients with 10 Gauss-Legendre points (a lighter schedule than
# the published 50: 92% of the tokens they mask at 10% are those of 50 points,
# 97% at 50%; benchmarks/roar/schedule_agreement.py, numbers in the results
# page).
# InputIBA: bilstm_attention_sst2_10_levels_input_iba_cpu.py (a light schedule,
# same work dir) and bilstm_attention_sst2_paper.py (the GPU schedule).
# Shard by seed, or by measure with a config listing `random` and some of the
# measures (docs/roar.md), then one summary:
#   python tools/nlp/roar.py CONFIG --work-dir W --cfg-options "roar.seeds=[0,2,4]" &
#   python tools/nlp/roar.py CONFIG --work-dir W --cfg-options "roar.seeds=[1,3]"; wait
#   python tools/nlp/roar.py CONFIG --work-dir W
_base_ = ['./bilstm_attention_sst2_gpu.py']
train = dict(bucket=50)
measures = dict(
    _delete_=True,
    random=dict(type='Random'),
    mutual_information=dict(type='MutualInformation'),
    attention=dict(type='Attention'),
    gradient=dict(type='Saliency', reduction='l2'),
    input_x_gradient=dict(type='InputXGradient', reduction='abs_sum'),
    integrated_gradients=dict(type='IntegratedGradients', steps=10, reduction='abs_sum'))
roar = dict(ks=[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], seeds=[0, 1, 2, 3, 4])
attribution = dict(batch_size=32)
