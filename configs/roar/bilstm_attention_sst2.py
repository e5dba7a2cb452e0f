# Recursive ROAR for the BiLSTM-attention model on SST-2, sized for a busy
# 2-core CPU: a 1,000-sentence subset of the GLUE training split, 200 dev
# sentences for early stopping and 500 of the 872 test sentences (GLUE dev)
# for the curves; 3 seeds x 6 measures x 4 masking levels of retraining.
_base_ = ['../_base_/models/bilstm_attention.py']
data = dict(
    train=dict(type='SST2', split='train', num_samples=1000),
    val=dict(type='SST2', split='dev', num_samples=200),
    test=dict(type='SST2', split='test', num_samples=500))
train = dict(epochs=3, batch_size=32, lr=2e-3, clip_grad=5.0)
text_adapter = dict(type='TokenEmbeddingAdapter')
measures = dict(
    random=dict(type='Random', adapter=text_adapter),
    attention=dict(type='Attention', adapter=text_adapter),
    gradient=dict(type='Saliency', adapter=text_adapter, reduction='l2'),
    input_x_gradient=dict(type='InputXGradient', adapter=text_adapter, reduction='abs_sum'),
    integrated_gradients=dict(type='IntegratedGradients', adapter=text_adapter, steps=10,
                              reduction='abs_sum'),
    InputIBA=dict(type='InputIBA', layer='encoder', adapter=text_adapter,
                  feat_iba=dict(beta=15.0, steps=5, copies=3, sigma=0),
                  gan=dict(dataset_size=16, subset_size=8, batch_size=8, epochs=1,
                           mask_lr=0.03),
                  input_iba=dict(beta=30.0, steps=10, lr=0.5, copies=3, sigma=0),
                  critic=dict(type='RecurrentCritic', hidden=16)))
roar = dict(ks=[25, 50, 75, 100], strategy='quantile', recursive=True,
            seeds=[0, 1, 2], importance_batch_size=128, estimation_samples=500)
