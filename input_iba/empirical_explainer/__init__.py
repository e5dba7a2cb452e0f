"""Empirical Explainers (Schwarzenberg et al., 2021; methods.md §4): a
trained network that predicts an expensive method's attributions in one
forward pass.

- the attributor, :class:`~input_iba.models.attributors.EmpiricalExplainer`
  (``models/attributors/empirical_explainer.py``, one method file like the
  others; InputIBA's warm start builds it);
- its training data, the expensive method's attribution store
  (:mod:`input_iba.engine.attribution_store`, ``tools/explain_dataset.py``),
  as normalised targets: :mod:`.targets`;
- its trainer: :mod:`input_iba.training.explainer`
  (``tools/train_explainer.py``);
- its evaluation: :mod:`.evaluation` (``tools/evaluate_explainer.py``), with
  the pictures in :mod:`input_iba.visualization.empirical_explainer`.
"""
