"""The metric catalogue, read from the ``EVALUATORS`` registry: every
registered evaluator with a ``name`` is a metric, and declares its summary
``columns`` (with their direction) and its ``curve``. The tools, the tables
and the plots look metrics up here; a new metric is one registered file."""
from input_iba.registry import EVALUATORS


def metrics():
    """``{metric name: evaluator class}`` of every registered evaluator
    that has a ``name``."""
    EVALUATORS.import_from_location()
    return {cls.name: cls for cls in EVALUATORS.module_dict.values()
            if getattr(cls, 'name', None)}


def metric(name):
    """The evaluator class of metric ``name``."""
    known = metrics()
    if name not in known:
        raise KeyError(f'Unknown metric {name!r}: the registered metrics are '
                       f'{sorted(known)} (text and images share one name; the '
                       "adapter picks the text defaults).")
    return known[name]
