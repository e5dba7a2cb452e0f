# ERASER movie reviews (root=None: $INPUT_IBA_DATA_ROOT/eraser_movies, else
# ../shared/data/eraser_movies). The vocabulary is the one that
# tools/nlp/train_classifier.py wrote beside the classifier's weights.
max_length = 256
vocab = 'work_dirs/deep_lstm_eraser_movies/vocab.json'
data = dict(
    attribute=dict(type='EraserMovies', split='val', max_length=max_length,
                   vocab=vocab),
    estimate=dict(type='EraserMovies', split='train', max_length=max_length,
                  vocab=vocab),
    num_estimation_samples=200,
    estimation_batch_size=16)
visualizer = dict(type='TokenHeatmap')
