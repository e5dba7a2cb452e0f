# MaRC on the first 10 of the 50 whole validation reviews of
# minilm_eraser_movies_whole.py, with Random beside it for the paired
# differences. MaRC runs its own schedule and stopping rule, about 400 steps
# and 11 CPU minutes (one thread) for a review of two chunks, so 50 reviews
# do not fit a CPU session; the 200-review GPU run has every method
# (benchmarks/text/gpu_whole_documents.sh). Same classifier, same protocols.
_base_ = ['./minilm_eraser_movies_whole.py']
data = dict(attribute=dict(_delete_=True, type='Subset', indices=list(range(0, 40, 4)),
                           dataset=dict(type='EraserMovies', split='val',
                                        tokenizer='all-MiniLM-L6-v2')))
methods = dict(_delete_=True, Random=dict(type='Random'), MaRC=dict(type='MaRC'))
