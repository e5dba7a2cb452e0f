"""Faithfulness correlation (Bhatt et al., IJCAI 2020)."""
from input_iba.registry import EVALUATORS

from .sensitivity_n import SensitivityN


@EVALUATORS.register_module()
class FaithfulnessCorrelation(SensitivityN):
    """Pearson correlation, over ``num_subsets`` random sets of
    ``subset_size`` positions set to ``baseline``, between the attribution
    summed over the set and the drop of the target logit: sensitivity-N at a
    single N (the paper: 100 sets of 224 pixels, as Quantus). Higher is
    more faithful."""
    name = 'faithfulness_correlation'
    summary_keys = ('faithfulness_correlation', )
    columns = (('faithfulness_correlation', 'faithfulness corr.', True), )
    curve = None

    def __init__(self, model, subset_size=224, num_subsets=100, baseline=0.0,
                 seed=0, **kwargs):
        super().__init__(model, ns=[subset_size], num_subsets=num_subsets,
                         baseline=baseline, seed=seed, **kwargs)

    def evaluate_sample(self, item, mask, target):
        rec = super().evaluate_sample(item, mask, target)
        return dict(target=target, subset_size=self.ns[0],
                    faithfulness_correlation=rec['correlations'][0]
                    if rec['correlations'] else None)
