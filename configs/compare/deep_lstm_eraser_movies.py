# InputIBA, Integrated Gradients, gradient (saliency) and random on ERASER
# movie reviews (validation) with the trained deep LSTM, scored by ERASER
# comprehensiveness/sufficiency and agreement with the human rationales
# (docs/text_evaluation.md, docs/results/text.md). Train the classifier first:
#   python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \
#       --work-dir work_dirs/text/deep_lstm_eraser_movies
# Documents: every 10th of the 200 (the split is sorted by label: 10 negative,
# 10 positive); data.attribute.step=1 for all of them.
_base_ = ['../input_iba/deep_lstm_eraser_movies.py']
classifier_dir = 'work_dirs/text/deep_lstm_eraser_movies'
model = dict(vocab_file=classifier_dir + '/vocab.json',
             checkpoint=classifier_dir + '/best.pth')
data = dict(attribute=dict(_delete_=True, type='Subset', step=10,
                           dataset=dict(type='EraserMovies', split='val',
                                        max_length={{_base_.max_length}},
                                        vocab=classifier_dir + '/vocab.json')),
            estimate=dict(vocab=classifier_dir + '/vocab.json'))
methods = dict(
    # cheapest first, so that a partial run already has rows (docs/results/text.md)
    IntegratedGradients=dict(type='IntegratedGradients', steps=50, internal_batch_size=50),
    Saliency=dict(type='Saliency'),
    Random=dict(type='Random'),
    # the reference text schedule (methods.md §2) made lighter to fit a shared
    # 2-core CPU: 5 noise copies instead of 10 (feature and input IBA) and a
    # GAN of 5 epochs over 64 samples (20 critic, 4 generator steps) instead
    # of 20 epochs over 200
    InputIBA=dict(type='InputIBA', layer='rnn_4',
                  feat_iba=dict(beta=15.0, steps=10, lr=1.0, copies=5, sigma=0),
                  gan=dict(mask_lr=0.03, dataset_size=64, subset_size=16,
                           batch_size=16, epochs=5),
                  input_iba=dict(beta=30.0, steps=30, lr=0.5, copies=5, sigma=0)),
    # the reference text schedule itself (configs/input_iba/deep_lstm_eraser_movies.py)
    InputIBAReference={{_base_.attributor}},
)
# one document at a time for InputIBA: batching measured slower on this CPU
attribution = dict(batch_size=dict(InputIBA=1, InputIBAReference=1, IntegratedGradients=1,
                                  Saliency=8, Random=8))
metrics = ['eraser', 'rationale_agreement']
