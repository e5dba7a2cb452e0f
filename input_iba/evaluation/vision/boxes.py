"""Boxes as pixel masks."""
import numpy as np


def boxes_to_mask(boxes, shape):
    """Union of ``(x1, y1, x2, y2)`` boxes (pixel coordinates, x2/y2
    exclusive edges) as a boolean ``H x W`` mask."""
    inside = np.zeros(shape, bool)
    for x1, y1, x2, y2 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        inside[int(np.floor(y1)):int(np.ceil(y2)),
               int(np.floor(x1)):int(np.ceil(x2))] = True
    return inside
