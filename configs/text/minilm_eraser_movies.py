# Fine-tune MiniLM on ERASER movie reviews (1600 train, 200 val documents of
# ~800 words). Documents are cut at a word boundary to fit max_positions
# (512 = the model's positions; the count of cut documents is logged and each
# item records its truncated words). Batches of 8 x 2 accumulated = 16.
# Starting from the SST-2 fine-tuned weights (configs/text/minilm_sst2.py)
# needs far fewer steps: --cfg-options model.checkpoint=work_dirs/minilm_sst2/best.pth
# On a CPU (about 1 s per 512-token forward+backward on one thread), cut
# max_positions to 256 and data.train.num_samples.
_base_ = ['../_base_/models/minilm.py']
minilm = 'all-MiniLM-L6-v2'  # the offline package (or a model folder)
max_positions = 512
data = dict(
    train=dict(type='EraserMovies', split='train', tokenizer=minilm,
               max_positions=max_positions, long_documents='truncate'),
    val=dict(type='EraserMovies', split='val', tokenizer=minilm,
             max_positions=max_positions, long_documents='truncate'))
train = dict(optimizer='AdamW', lr=3e-5, weight_decay=0.01, warmup=0.1, schedule='linear',
             epochs=3, batch_size=8, accumulation=2, clip_grad=1.0, patience=1,
             save_every=50)
seed = 0
