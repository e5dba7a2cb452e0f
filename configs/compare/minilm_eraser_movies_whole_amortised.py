# The amortised InputIBA (configs/empirical_explainer/input_iba_minilm_eraser_movies.py,
# trained into work_dirs/ee_iiba_movies) on the 50 whole validation reviews of
# minilm_eraser_movies_whole.py, scored by the same two protocols (that run
# holds Random and the teacher, its InputIBA row, on the same reviews with the
# same seeds, for the paired differences), and the warm starts: that InputIBA row
# started from the explainer's prediction (init='amortised': no feature stage,
# no statistics) and refined for 3 or 10 input steps (the row itself: 5
# feature steps, then 10 input steps from its own prior).
_base_ = ['./minilm_eraser_movies_whole.py']
explainer = dict(layer='hf.bert.encoder.layer.5.output', feature_dim=384, head='token',
                 checkpoint='work_dirs/ee_iiba_movies/explainer.pth')
warm = dict(type='InputIBA', layer={{_base_.layer}}, schedule='published_text',
            feat_iba=dict(steps=5, copies=2), gan=dict(epochs=0), prior_init='lambda',
            init='amortised', explainer=explainer)
methods = dict(
    _delete_=True,
    AmortisedInputIBA=dict(type='EmpiricalExplainer', **explainer),
    WarmInputIBA3=dict(warm, input_iba=dict(steps=3, copies=2)),
    WarmInputIBA10=dict(warm, input_iba=dict(steps=10, copies=2)))
