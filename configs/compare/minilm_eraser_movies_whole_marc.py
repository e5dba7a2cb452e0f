# MaRC on the first 10 of the 50 whole validation reviews of
# minilm_eraser_movies_whole.py, with Random beside it for the paired
# differences. MaRC runs its own schedule and stopping rule: 151-900 steps and
# 730 CPU s (one thread) per review on average on these 10, so the 50 would
# take 10 hours; the 200-review GPU run has every method
# (benchmarks/text/gpu_whole_documents.sh). Same classifier, same protocols;
# docs/results/text_transformer.md sets the other rows beside it on these 10.
_base_ = ['./minilm_eraser_movies_whole.py']
data = dict(attribute=dict(_delete_=True, type='Subset', indices=list(range(0, 40, 4)),
                           dataset=dict(type='EraserMovies', split='val',
                                        tokenizer='all-MiniLM-L6-v2')))
methods = dict(_delete_=True, Random=dict(type='Random'), MaRC=dict(type='MaRC'))
