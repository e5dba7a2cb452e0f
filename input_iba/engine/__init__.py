"""The dataset-attribution engine: :func:`attribute_dataset` is the one loop
that attributes a dataset, :func:`attribute_items` its one batch step; the
callers give it a sink. The engine's own sinks write a dataset's
attributions: :class:`MaskWriter` (a mask file per sample, the train tools)
and the shard store (:func:`explain_dataset`, the training data of empirical
explainers); explainer evaluation, ROAR importance and the rerun metrics
keep theirs."""
from .attribution_store import AttributionStore, explain_dataset
from .batch import AttributedBatch, attribute_items
from .loop import FailureLog, attribute_dataset
from .mask_writer import MaskWriter, run_attribution

__all__ = ['AttributedBatch', 'attribute_items', 'FailureLog', 'attribute_dataset',
           'AttributionStore', 'explain_dataset', 'MaskWriter', 'run_attribution']
