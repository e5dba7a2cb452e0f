"""Boxes as pixel masks."""
import numpy as np

BOX_ROUNDINGS = ('cover', 'truncate')


def boxes_to_mask(boxes, shape, rounding='cover'):
    """Union of ``(x1, y1, x2, y2)`` boxes (pixel coordinates, x2/y2
    exclusive edges) as a boolean ``H x W`` mask. ``rounding='cover'``
    takes every pixel a box touches (floor of x1/y1, ceil of x2/y2);
    ``'truncate'`` truncates all four to ints, as the InputIBA reference's
    dataset does (``bboxes.astype(int)``)."""
    if rounding not in BOX_ROUNDINGS:
        raise ValueError(f'rounding must be one of {BOX_ROUNDINGS}, got {rounding!r}.')
    inside = np.zeros(shape, bool)
    for x1, y1, x2, y2 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        if rounding == 'cover':
            x1, y1, x2, y2 = np.floor(x1), np.floor(y1), np.ceil(x2), np.ceil(y2)
        inside[int(y1):int(y2), int(x1):int(x2)] = True
    return inside
