"""Effective heat ratio (EHR; Zhang et al., 2021; methods.md §6), as the
paper and its reference code define it."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .boxes import boxes_to_mask


def effective_heat_ratio(mask, roi, base_threshold=0.1, num_quantiles=11):
    """The paper's EHR of a map with values in [0, 1]: heat below
    ``base_threshold`` is set to 0; for ``num_quantiles`` thresholds ``t``,
    the quantiles 0..1 of the remaining heat (each capped at 0.99 x the
    maximum), ``ratio(t)`` = the heat of the pixels >= t inside ``roi``
    divided by the **number** of pixels >= t; EHR is the trapezoid area
    under ``ratio`` over the quantiles. It rewards high values on the object,
    not only their share (:func:`heat_share_ratio` is the share). The same
    numbers as the reference's ``EffectiveHeatRatios.evaluate`` with
    ``weight_by_heat=True`` (to ~1e-16; tests). A map with no pixel above
    ``base_threshold`` scores 0 (the reference raises). Returns ``(auc,
    quantiles, ratios)``."""
    heat = np.array(mask, dtype=np.float64)
    heat[heat < base_threshold] = 0.0
    quantiles = np.linspace(0, 1, num_quantiles)
    ratios = np.zeros(num_quantiles)
    kept = heat[heat >= base_threshold]
    if kept.size:
        top = heat.max()
        for i, q in enumerate(quantiles):
            above = heat >= min(np.quantile(kept, q), 0.99 * top)
            ratios[i] = heat[above & roi].sum() / (above.sum() + 1e-8)
    return float(np.trapezoid(ratios, quantiles)), quantiles, ratios


def heat_share_ratio(mask, roi, base_threshold=0.1, num_quantiles=11):
    """The project's heat-share variant of EHR (``ehr_share``): the map is
    scaled by its maximum, heat below ``base_threshold`` set to 0, and
    ``ratio(t)`` = the heat inside ``roi`` among the pixels >= t divided by
    the **heat** of all pixels >= t (the thresholds as in
    :func:`effective_heat_ratio`). Returns ``(auc, quantiles, ratios)``."""
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
    """The paper's EHR (:func:`effective_heat_ratio`) against the
    ground-truth boxes (``item['boxes']``), with the reference's protocol:
    boxes rasterised as its dataset does (coordinates truncated to ints,
    ``roi[y1:y2, x1:x2]``), and samples skipped when they have no box or
    their boxes cover more than ``max_box_share`` (0.33) of the image. The
    map is scored as it is when its values lie in [0, 1] (the reference's
    masks do; the paper's metric reads absolute heat); a map outside [0, 1]
    (gradients, logits) is first divided by its maximum absolute value, and
    the record says so (``scaled``). ``scale_by_max=True`` divides every map
    by its maximum (a scorer that compares only shapes)."""
    name = 'ehr'
    modalities = ('image', )  # boxes in pixels
    summary_keys = ('ehr', )
    columns = (('ehr', 'EHR (paper)', True), )
    curve = dict(x='quantiles', ys=[('ratios', 'heat in boxes per pixel above t')],
                 x_label='quantile', y_label='effective heat ratio')
    #: the area function and the box raster of this variant
    ratio = staticmethod(effective_heat_ratio)
    box_rounding = 'truncate'

    empty_reason = (', but every one had no box or boxes covering more than '
                    'max_box_share of the image (EHR skips those)')

    def __init__(self, model=None, base_threshold=0.1, max_box_share=0.33,
                 scale_by_max=False, **kwargs):
        super().__init__(model, **kwargs)
        self.base_threshold = base_threshold
        self.max_box_share = max_box_share
        self.scale_by_max = scale_by_max

    def scaled_map(self, mask):
        """The map as scored and whether it was divided by its maximum."""
        mask = np.asarray(mask, dtype=np.float64)
        top = float(np.abs(mask).max())
        if top > 0 and (self.scale_by_max or mask.min() < 0 or top > 1):
            return mask / top, True
        return mask, False

    def evaluate_sample(self, item, mask, target):
        roi = boxes_to_mask(item.get('boxes', ()), mask.shape, self.box_rounding)
        if not roi.any() or roi.mean() > self.max_box_share:
            return None
        heat, scaled = self.scaled_map(mask)
        value, quantiles, ratios = self.ratio(heat, roi, self.base_threshold)
        return {'target': target, self.summary_keys[0]: value,
                'box_share': float(roi.mean()), 'scaled': scaled,
                'quantiles': quantiles.tolist(), 'ratios': ratios.tolist()}
