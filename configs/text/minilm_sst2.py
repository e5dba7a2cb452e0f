# Fine-tune MiniLM on SST-2. Early stopping on 1000 sentences of dev.tsv (held
# out of the GLUE training set); test_accuracy: GLUE dev (sst2/test.tsv, 872).
# The full training split has 60,614 rows (mostly short phrases); on a CPU
# cut it with --cfg-options data.train.num_samples=4000.
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'  # the offline package (or a model folder)
max_positions = 64
data = dict(
    train=dict(type='SST2', split='train', tokenizer=minilm, max_positions=max_positions,
               long_documents='truncate'),
    val=dict(type='SST2', split='dev', tokenizer=minilm, max_positions=max_positions,
             num_samples=1000),
    test=dict(type='SST2', split='test', tokenizer=minilm, max_positions=max_positions,
              long_documents='truncate'))
train = dict(optimizer='AdamW', lr=5e-5, weight_decay=0.01, warmup=0.1, schedule='linear',
             epochs=3, batch_size=32, accumulation=1, clip_grad=1.0, patience=1,
             save_every=200)
seed = 0
