"""The heat-share variant of the effective heat ratio (``ehr_share``): the
share of the heat above each threshold that lies in the boxes."""
from input_iba.registry import EVALUATORS

from .effective_heat_ratio import EffectiveHeatRatio, heat_share_ratio


@EVALUATORS.register_module()
class EffectiveHeatShare(EffectiveHeatRatio):
    """:func:`~.effective_heat_ratio.heat_share_ratio` against the boxes:
    every map is scaled by its maximum, the boxes cover every pixel they
    touch, and samples whose boxes cover more than ``max_box_share`` (1/3)
    of the image are skipped. Not the paper's EHR (``ehr``): it divides by
    heat, not by pixels, so it rewards the share of heat on the object and
    not its height."""
    name = 'ehr_share'
    summary_keys = ('ehr_share', )
    columns = (('ehr_share', 'EHR (heat share)', True), )
    curve = dict(x='quantiles', ys=[('ratios', 'heat share in boxes')],
                 x_label='quantile', y_label='heat share in boxes')
    ratio = staticmethod(heat_share_ratio)
    box_rounding = 'cover'

    def __init__(self, model=None, base_threshold=0.1, max_box_share=1 / 3, **kwargs):
        super().__init__(model, base_threshold, max_box_share, **kwargs)

    def scaled_map(self, mask):
        return mask, True  # heat_share_ratio scales by the maximum itself
