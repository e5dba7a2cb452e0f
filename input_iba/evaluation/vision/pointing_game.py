"""Pointing game (Zhang et al., 2016): is the mask's maximum in a box?"""
import numpy as np

from input_iba.registry import EVALUATORS
from input_iba.utils.ranges import non_negative

from ..base import MaskEvaluator


def point_hits(point, boxes, tolerance):
    """True if pixel ``point = (y, x)`` lies in a box's raster or less than
    ``tolerance`` pixels from it (Euclidean, strictly, as TorchRay's pointing
    game; ``tolerance=0``: inside only):
    the pixels ``floor(x1)`` to ``ceil(x2) - 1`` (and the same for y), as
    :func:`~.boxes.boxes_to_mask` covers them. Distances are in the map's
    pixels (224 at the model's resolution)."""
    y, x = point
    for x1, y1, x2, y2 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        dx = max(np.floor(x1) - x, 0.0, x - (np.ceil(x2) - 1))
        dy = max(np.floor(y1) - y, 0.0, y - (np.ceil(y2) - 1))
        distance2 = dx * dx + dy * dy
        if distance2 == 0 or distance2 < tolerance * tolerance:
            return True
    return False


@EVALUATORS.register_module()
class PointingGame(MaskEvaluator):
    """Hit when the mask's maximum (first one on ties) is within
    ``tolerance`` pixels (15) of a ground-truth box."""

    value_ranges = dict(MaskEvaluator.value_ranges, tolerance=non_negative())

    name = 'pointing_game'
    modalities = ('image', )  # boxes in pixels
    summary_keys = ('hit', )
    columns = (('hit', 'pointing game', True), )
    empty_reason = ', but none had a box: the pointing game needs boxes (e.g. ImageNetBoxes)'

    def __init__(self, model=None, tolerance=15, **kwargs):
        super().__init__(model, **kwargs)
        self.tolerance = tolerance

    def evaluate_sample(self, item, mask, target):
        boxes = item.get('boxes', ())
        if len(boxes) == 0:
            return None
        point = np.unravel_index(int(np.argmax(mask)), mask.shape)
        hit = point_hits(point, boxes, self.tolerance)
        return dict(target=target, hit=float(hit), point=[int(p) for p in point])
