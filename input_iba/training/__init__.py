"""The trainers: :mod:`.classifier` (the text classifiers the toolbox
explains, ``tools/nlp/train_classifier.py`` and the ROAR study) and
:mod:`.explainer` (empirical explainers, ``tools/train_explainer.py``)."""
