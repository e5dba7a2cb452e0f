# The amortised InputIBA (configs/empirical_explainer/input_iba_minilm_eraser_movies.py,
# trained into work_dirs/ee_iiba_movies) on the 50 whole validation reviews of
# minilm_eraser_movies_whole.py, scored by the same two protocols, with Random
# beside it for the paired differences (its InputIBA teacher is that config's
# InputIBA row, on the same reviews).
_base_ = ['./minilm_eraser_movies_whole.py']
methods = dict(
    _delete_=True, Random=dict(type='Random'),
    AmortisedInputIBA=dict(type='EmpiricalExplainer', layer='hf.bert.encoder.layer.5.output',
                           feature_dim=384, head='token',
                           checkpoint='work_dirs/ee_iiba_movies/explainer.pth'))
