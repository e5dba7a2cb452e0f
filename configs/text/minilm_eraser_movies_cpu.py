# The CPU cut of minilm_eraser_movies.py that docs/results/text_transformer.md
# ran: from the SST-2 fine-tuned weights (run configs/text/minilm_sst2.py
# first), 400 class-balanced training documents (every 4th; the split is
# sorted by label), documents cut at 256 positions, one epoch.
_base_ = ['./minilm_eraser_movies.py']
minilm = 'all-MiniLM-L6-v2'
max_positions = 256
model = dict(checkpoint='work_dirs/minilm_sst2/best.pth')
data = dict(
    train=dict(_delete_=True, type='Subset', step=4,
               dataset=dict(type='EraserMovies', split='train', tokenizer=minilm,
                            max_positions=max_positions, long_documents='truncate')),
    val=dict(max_positions=max_positions))
train = dict(epochs=1, batch_size=8, accumulation=1, lr=5e-5, save_every=10)
