"""Complexity of a map: the entropy of its share of attribution (Bhatt et al., 2020)."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator


def attribution_entropy(mask):
    """Entropy (nats) of ``p = |a| / sum |a|`` and the same divided by
    ``log n`` (1: uniform; 0: all on one position). None for an all-zero map."""
    a = np.abs(np.asarray(mask, np.float64)).ravel()
    total = a.sum()
    if total == 0:
        return None, None
    p = a[a > 0] / total
    h = float(-(p * np.log(p)).sum())
    return h, h / np.log(a.size) if a.size > 1 else 0.0


@EVALUATORS.register_module()
class Complexity(MaskEvaluator):
    """Entropy of the map's absolute attribution shares; lower is a simpler
    (more concentrated) explanation. No model needed."""
    name = 'complexity'
    summary_keys = ('entropy', 'normalised_entropy')
    columns = (('normalised_entropy', 'entropy / log n', False), )

    def __init__(self, model=None, **kwargs):
        super().__init__(model, **kwargs)

    def evaluate_sample(self, item, mask, target):
        h, normalised = attribution_entropy(mask)
        return dict(target=target, entropy=h, normalised_entropy=normalised)
