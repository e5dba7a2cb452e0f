# Recursive ROAR for MiniLM on SST-2 on the paper's grid (every 10% of the
# word pieces, 5 seeds) sized for the project's 2-core CPU
# (docs/results/roar.md; minilm_sst2_paper.py is the GPU study): the first
# 1,000 GLUE training rows with at least 10 tokens, one epoch of fine-tuning
# from the pretrained weights at every level (batches of 16, lr 1e-4: 63
# steps, about 35 s on one thread), 300 rows for early stopping, all 872 test
# sentences for the curves; [MASK] replaces the masked word pieces. The
# measures whose cost fits a CPU: random, mutual information, attention, the
# gradient and input x gradient (integrated gradients would cost twenty times
# the gradient at every level: minilm_sst2_cpu_ig_first_level.py runs its
# first level).
# Shard by seed, then one summary:
#   python tools/nlp/roar.py CONFIG --work-dir W --cfg-options "roar.seeds=[0,2,4]" &
#   python tools/nlp/roar.py CONFIG --work-dir W --cfg-options "roar.seeds=[1,3]"; wait
#   python tools/nlp/roar.py CONFIG --work-dir W
_base_ = ['./minilm_sst2_paper.py']
data = dict(train=dict(num_samples=1000), val=dict(num_samples=300))
train = dict(lr=1e-4, epochs=1, batch_size=16)
measures = dict(
    _delete_=True,
    random=dict(type='Random'),
    mutual_information=dict(type='MutualInformation'),
    attention=dict(type='Attention', kind='last'),
    gradient=dict(type='Saliency', reduction='l2'),
    input_x_gradient=dict(type='InputXGradient', reduction='abs_sum'))
attribution = dict(batch_size=32)
