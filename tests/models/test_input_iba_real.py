"""A real check: InputIBA on EfficientNet-Lite0 and real ImageNet images puts
more of its heat inside the ground-truth boxes than the boxes' share of the
image."""
import numpy as np
import torch
from conftest import requires_shared_data

from input_iba.datasets import ImageNetBoxes, iter_batches
from input_iba.models.attributors import InputIBA
from input_iba.models.classifiers import EfficientNetLite0

LIGHT = dict(feat_iba=dict(copies=4),
             gan=dict(dataset_size=32, subset_size=16, batch_size=16, epochs=2),
             input_iba=dict(steps=20, copies=3))


def box_mask(boxes, shape):
    inside = np.zeros(shape, bool)
    for x1, y1, x2, y2 in boxes:
        inside[int(y1):int(np.ceil(y2)), int(x1):int(np.ceil(x2))] = True
    return inside


@requires_shared_data
def test_input_mask_heat_concentrates_in_boxes():
    dataset = ImageNetBoxes()
    att = InputIBA(EfficientNetLite0(), 'blocks.2', **LIGHT)
    att.estimate(iter_batches(dataset, 9, lambda *a: None), 18, progress=False)
    items = [dataset[i] for i in range(6)]
    batch = dataset.collate(items)
    res = att.attribute(batch['inputs'], batch['targets'],
                        seeds=list(range(6)))
    heat_share, area_share = [], []
    for item, mask in zip(items, res.input_masks.numpy()):
        inside = box_mask(item['boxes'], mask.shape)
        heat_share.append(mask[inside].sum() / mask.sum())
        area_share.append(inside.mean())
    assert np.mean(heat_share) > np.mean(area_share) + 0.03, (heat_share,
                                                              area_share)
    assert torch.isfinite(res.feat_masks).all()
