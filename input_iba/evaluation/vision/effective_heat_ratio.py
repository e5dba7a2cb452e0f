"""Effective heat ratio (EHR; Zhang et al., 2021; methods.md §6)."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .boxes import boxes_to_mask


def effective_heat_ratio(mask, roi, base_threshold=0.1, num_quantiles=11):
    """Area under the curve of the share of heat inside ``roi`` among the
    heat above a threshold, the thresholds being ``num_quantiles`` quantiles
    (0..1) of the heat above ``base_threshold`` (after scaling by the max).
    Returns ``(auc, quantiles, ratios)``."""
    heat = np.asarray(mask, dtype=np.float64)
    top = heat.max()
    heat = heat / top if top > 0 else np.zeros_like(heat)
    heat[heat < base_threshold] = 0
    quantiles = np.linspace(0, 1, num_quantiles)
    ratios = np.zeros(num_quantiles)
    kept = heat[heat > 0]
    if kept.size:
        for i, q in enumerate(quantiles):
            t = min(np.quantile(kept, q), 0.99 * kept.max())
            above = heat >= t
            ratios[i] = heat[above & roi].sum() / heat[above].sum()
    return float(np.trapezoid(ratios, quantiles)), quantiles, ratios


@EVALUATORS.register_module()
class EffectiveHeatRatio(MaskEvaluator):
    """EHR against the ground-truth boxes (``item['boxes']``). Samples
    without boxes, or whose boxes cover more than ``max_box_share`` of the
    image, are skipped (their localisation says little)."""
    name = 'ehr'
    summary_keys = ('ehr', )
    columns = (('ehr', 'EHR', True), )
    curve = dict(x='quantiles', ys=[('ratios', 'heat share in boxes')], x_label='quantile',
                 y_label='effective heat ratio')

    empty_reason = (', or every sample had no box or boxes covering more than '
                    'max_box_share of the image (EHR skips those)')

    def __init__(self, model=None, base_threshold=0.1, max_box_share=1 / 3,
                 **kwargs):
        super().__init__(model, **kwargs)
        self.base_threshold = base_threshold
        self.max_box_share = max_box_share

    def evaluate_sample(self, item, mask, target):
        roi = boxes_to_mask(item.get('boxes', ()), mask.shape)
        if not roi.any() or roi.mean() > self.max_box_share:
            return None
        value, quantiles, ratios = effective_heat_ratio(mask, roi,
                                                        self.base_threshold)
        return dict(target=target, ehr=value, box_share=float(roi.mean()),
                    quantiles=quantiles.tolist(), ratios=ratios.tolist())
