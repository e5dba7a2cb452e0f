"""The dataset-attribution engine: :func:`attribute_dataset` is the one loop
that attributes a dataset, :func:`attribute_items` its one batch step; the
callers give it a sink (:class:`MaskWriter` of the train tools, the shard
store, explainer evaluation, ROAR importance, the rerun metrics)."""
from .batch import AttributedBatch, attribute_items
from .loop import FailureLog, attribute_dataset
from .mask_writer import MaskWriter, run_attribution

__all__ = ['AttributedBatch', 'attribute_items', 'FailureLog', 'attribute_dataset',
           'MaskWriter', 'run_attribution']
