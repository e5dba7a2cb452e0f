# Recursive ROAR for MiniLM on SST-2 (the paper's RoBERTa row, with the
# offline transformer): the data of bilstm_attention_sst2_gpu.py (6,920 GLUE
# training rows with at least 10 tokens, 1,000 for early stopping, the 872
# test sentences) tokenised by MiniLM's WordPiece; the tokenizer's [MASK]
# replaces word pieces, [CLS]/[SEP] are never masked; MiniLM is fine-tuned
# from its pretrained weights at every level (the schedule of
# configs/text/minilm_sst2.py, 2 epochs). 10 levels, 5 seeds. Not yet run.
# InputIBA on a lighter schedule than published (5 + 10 steps, GAN off).
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'
max_positions = 64
layer = 'hf.bert.encoder.layer.3.output'
sst2 = dict(type='SST2', tokenizer=minilm, max_positions=max_positions, min_tokens=10,
            long_documents='truncate')
data = dict(train=dict(sst2, split='train', num_samples=6920),
            val=dict(sst2, split='dev', num_samples=1000),
            test=dict(sst2, split='test', min_tokens=1))
train = dict(optimizer='AdamW', lr=5e-5, weight_decay=0.01, warmup=0.1, schedule='linear',
             epochs=2, batch_size=32, clip_grad=1.0, bucket=50)  # bucketed by length
measures = dict(
    random=dict(type='Random'),
    mutual_information=dict(type='MutualInformation'),
    attention=dict(type='Attention', kind='last'),
    gradient=dict(type='Saliency', reduction='l2'),
    input_x_gradient=dict(type='InputXGradient', reduction='abs_sum'),
    integrated_gradients=dict(type='IntegratedGradients', steps=50, baseline='pad',
                              reduction='abs_sum', internal_batch_size=64),
    InputIBA=dict(type='InputIBA', layer=layer, schedule='published_text',
                  feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0),
                  input_iba=dict(steps=10, copies=2), prior_init='lambda'))
roar = dict(ks=[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], seeds=[0, 1, 2, 3, 4],
            estimation_samples=1000)
attribution = dict(batch_size=128)
num_threads = 1
