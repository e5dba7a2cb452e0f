# The LSTM row of docs/results/text_transformer.md: the deep LSTM (trained
# from scratch, 256 tokens) on the same 50 validation documents as
# minilm_eraser_movies.py (every 4th: 25 negative, 25 positive), with the same
# ERASER bins, for Integrated Gradients, random and the light InputIBA of
# deep_lstm_eraser_movies.py. Train the classifier first:
#   python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py \
#       --work-dir work_dirs/text/deep_lstm_eraser_movies
_base_ = ['./deep_lstm_eraser_movies.py']
data = dict(attribute=dict(step=4))
methods = dict(_delete_=True,
               IntegratedGradients={{_base_.methods.IntegratedGradients}},
               Random={{_base_.methods.Random}},
               InputIBA={{_base_.methods.InputIBA}})
attribution = dict(_delete_=True, batch_size=dict(InputIBA=1, IntegratedGradients=1, Random=8))
evaluation = dict(eraser=dict(fractions='eraser'))
