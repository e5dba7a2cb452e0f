"""Feature Ablation through Captum: one feature removed at a time."""
from captum.attr import FeatureAblation as CaptumFeatureAblation

from input_iba.registry import ATTRIBUTORS
from input_iba.utils.ranges import count, non_negative

from ._utils.feature_groups import position_features
from .gradients import CaptumAttributor


@ATTRIBUTORS.register_module()
class FeatureAblation(CaptumAttributor):
    """The drop of the target logit when one feature (a ``cell`` x ``cell``
    square of all channels; a token for text) is replaced by ``baseline``
    (a number, or ``'blur'``, ``'black'``, ...); every position of the
    feature gets the drop. Non-overlapping cells, so ``cells^2`` times
    fewer passes than :class:`Occlusion` with stride 1; signed.

    Args:
        internal_batch_size: ablated inputs per forward pass.
    """

    value_ranges = dict(cell=count(), blur_sigma=non_negative(), internal_batch_size=count())

    def __init__(self, model, adapter=dict(type='ImageAdapter'), cell=16,
                 baseline=0.0, blur_sigma=20.0, internal_batch_size=64):
        # 'sum': the signed mean over channels, which all hold the drop
        super().__init__(model, adapter, reduction='sum')
        self.cell, self.baseline, self.blur_sigma = cell, baseline, blur_sigma
        self.internal_batch_size = internal_batch_size

    def captum_method(self):
        return CaptumFeatureAblation(self._forward)

    def captum_kwargs(self, x):
        ids, _ = position_features(self.adapter, x, self.cell)
        return dict(baselines=self.reference(x, self.baseline, self.blur_sigma),
                    feature_mask=ids.expand(1, *x.shape[1:]),
                    perturbations_per_eval=self.internal_batch_size)
