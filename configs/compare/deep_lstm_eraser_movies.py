# InputIBA, Integrated Gradients, gradient (saliency) and random on ERASER
# movie reviews (validation) with the trained deep LSTM, scored by ERASER
# comprehensiveness/sufficiency and agreement with the human rationales
# (docs/text_evaluation.md, docs/results/text.md). Train the classifier first:
#   python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \
#       --work-dir work_dirs/deep_lstm_eraser_movies
# Documents: every 5th of the 200 (the split is sorted by label: 20 negative,
# 20 positive); data.attribute.step=1 for all of them.
_base_ = ['../input_iba/deep_lstm_eraser_movies.py']
data = dict(attribute=dict(_delete_=True, type='Subset', step=5,
                           dataset={{_base_.data.attribute}}))
adapter = dict(type='TokenEmbeddingAdapter')
methods = dict(
    # the reference text schedule (methods.md §2) except a lighter GAN
    # (5 epochs over 64 samples instead of 20 over 200) to fit a 2-core CPU
    InputIBA=dict(type='InputIBA', layer='rnn_4', adapter=adapter,
                  feat_iba=dict(beta=15.0, steps=10, lr=1.0, copies=10, sigma=0),
                  gan=dict(mask_lr=0.03, dataset_size=64, subset_size=16,
                           batch_size=16, epochs=5),
                  input_iba=dict(beta=30.0, steps=30, lr=0.5, copies=10, sigma=0)),
    IntegratedGradients=dict(type='IntegratedGradients', adapter=adapter, steps=50,
                             internal_batch_size=50),
    Saliency=dict(type='Saliency', adapter=adapter),
    Random=dict(type='Random', adapter=adapter),
)
batch_sizes = dict(InputIBA=4, IntegratedGradients=1, Saliency=8, Random=8)
metrics = ['eraser', 'rationale_agreement']
