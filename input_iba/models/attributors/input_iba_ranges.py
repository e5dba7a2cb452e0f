"""What InputIBA's options accept, checked before any work
(:mod:`input_iba.apis.validation`). It belongs in ``input_iba.py`` as the
class's ``value_ranges``; until then the checks find it here by class.
The choices of ``schedule``, ``gan_feature_mask``, ``input_mask`` and
``prior_init`` are checked by the class when it is built."""
from input_iba.models.gans.wgan import WGAN_RANGES
from input_iba.utils.ranges import count, non_negative, one_of, positive

from .iba import BOTTLENECK_RANGES
from .input_iba import LR_DECAYS, InputIBA

INPUT_IBA_RANGES = dict(
    feat_iba=BOTTLENECK_RANGES,
    gan=WGAN_RANGES,
    input_iba=dict(BOTTLENECK_RANGES, lr_decay=one_of(*LR_DECAYS), restarts=count()),
    activation_gradient_width=non_negative(),
    active_threshold=non_negative(),
    min_std=positive())

#: ranges declared outside their class, by class
RANGES_BY_CLASS = {InputIBA: INPUT_IBA_RANGES}
