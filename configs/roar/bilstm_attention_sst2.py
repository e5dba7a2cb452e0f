# Recursive ROAR for the BiLSTM-attention model on SST-2, sized for a busy
# 2-core CPU (about 40 minutes): the first 800 GLUE training rows with at
# least 10 tokens (the split is mostly short phrases, the test split is whole
# sentences), 100 dev rows for early stopping, the first 300 of the 872 test
# sentences (GLUE dev) for the curves; 3 epochs per model; 3 seeds x 7
# measures x 3 masking levels of retraining, plus the unmasked and the fully
# masked model of every seed (shared by all measures).
# Light importance schedules: integrated gradients with 5 steps (the paper:
# 50), InputIBA with 3 + 3 optimisation steps, one noise copy and a tiny GAN.
_base_ = ['../_base_/models/bilstm_attention.py']
data = dict(
    train=dict(type='SST2', split='train', num_samples=800, min_tokens=10),
    val=dict(type='SST2', split='dev', num_samples=100),
    test=dict(type='SST2', split='test', num_samples=300))
train = dict(epochs=3, batch_size=32, lr=2e-3, clip_grad=5.0)
num_threads = 1
measures = dict(
    random=dict(type='Random'),
    mutual_information=dict(type='MutualInformation'),
    attention=dict(type='Attention'),
    gradient=dict(type='Saliency', reduction='l2'),
    input_x_gradient=dict(type='InputXGradient', reduction='abs_sum'),
    integrated_gradients=dict(type='IntegratedGradients', steps=5, reduction='abs_sum'),
    InputIBA=dict(type='InputIBA', layer='encoder',
                  feat_iba=dict(beta=15.0, steps=3, copies=1, sigma=0),
                  gan=dict(dataset_size=8, subset_size=8, batch_size=8, epochs=1,
                           mask_lr=0.03),
                  input_iba=dict(beta=30.0, steps=3, lr=0.5, copies=1, sigma=0),
                  critic=dict(type='RecurrentCritic', hidden=16)))
roar = dict(ks=[25, 50, 75, 100], strategy='quantile', recursive=True,
            seeds=[0, 1, 2], estimation_samples=300)
attribution = dict(batch_size=128)  # documents per importance batch
