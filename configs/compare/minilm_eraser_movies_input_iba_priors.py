# InputIBA on MiniLM with its two untrained priors (gan.epochs=0), on the
# documents and bins of minilm_eraser_movies.py: the default
# prior_init='capacity' (sigmoid of the feature mask's bits per token: about
# 1 for every token of a 384-unit layer, so the input KL is 0) against
# prior_init='lambda' (the feature mask's mean per token). The 'capacity' run
# is the InputIBA row of minilm_eraser_movies.py; copy its directory into the
# work dir (or let it rerun) and see docs/results/text_transformer.md.
_base_ = ['./minilm_eraser_movies.py']
methods = dict(_delete_=True,
               InputIBA={{_base_.methods.InputIBA}},
               InputIBALambdaPrior=dict(type='InputIBA', layer={{_base_.layer}},
                                        schedule='published_text',
                                        feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0),
                                        input_iba=dict(steps=10, copies=2),
                                        prior_init='lambda'))
