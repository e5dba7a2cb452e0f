"""Sparseness of a map: the Gini index of its absolute values (Chalasani et al., 2020)."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator


def gini_index(mask):
    """``sum_i (2 i - n - 1) a_(i) / (n sum a)`` over the absolute values
    sorted ascending (``i = 1..n``): 0 for a uniform map, ``1 - 1/n`` when one
    position holds everything. None for an all-zero map."""
    a = np.sort(np.abs(np.asarray(mask, np.float64)).ravel())
    n, total = a.size, a.sum()
    if total == 0:
        return None
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * a).sum() / (n * total))


@EVALUATORS.register_module()
class Sparseness(MaskEvaluator):
    """Gini index of the map; higher is sparser. No model needed."""
    name = 'sparseness'
    summary_keys = ('gini', )
    columns = (('gini', 'Gini sparseness', True), )

    def __init__(self, model=None, **kwargs):
        super().__init__(model, **kwargs)

    def evaluate_sample(self, item, mask, target):
        return dict(target=target, gini=gini_index(mask))
