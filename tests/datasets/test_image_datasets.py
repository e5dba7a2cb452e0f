import numpy as np
import pytest
import torch
from conftest import requires_shared_data

from input_iba.datasets import ImageFolder, ImageNetBoxes, ResizeNormalize, SkimagePhotos


def test_resize_normalize_values_and_scales():
    image = np.zeros((10, 20, 3), np.uint8)
    image[..., 0] = 255
    x, resized, (sx, sy) = ResizeNormalize(size=(4, 8))(image)
    assert x.shape == (3, 4, 8) and resized.shape == (4, 8, 3)
    assert torch.allclose(x[0], torch.ones(4, 8)) and torch.allclose(x[1], -torch.ones(4, 8))
    assert (sx, sy) == (0.4, 0.4)


@requires_shared_data
def test_imagenet_boxes_scaled_to_the_resized_image():
    ds = ImageNetBoxes()
    assert len(ds) == 18
    item = ds[ds.records.index(next(r for r in ds.records
                                    if r[0] == 'ILSVRC2012_val_00000008'))]
    assert item['target'] == 415 and item['inputs'].shape == (3, 224, 224)
    # first box of the XML: 14 163 181 328 on a 500x375 image
    np.testing.assert_allclose(item['boxes'][0],
                               [14 * 224 / 500, 163 * 224 / 375, 181 * 224 / 500,
                                328 * 224 / 375], rtol=1e-5)
    assert len(item['boxes']) == 4


def test_missing_root_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match='cfg-options'):
        ImageNetBoxes(root=str(tmp_path / 'nothing'))
    with pytest.raises(FileNotFoundError, match='No images'):
        ImageFolder(str(tmp_path))


def test_skimage_photos_and_deterministic_crops():
    ds = SkimagePhotos(names=['coffee'], crops_per_photo=3, seed=1)
    assert [ds.sample_name(i) for i in range(3)] == ['coffee', 'coffee_crop1', 'coffee_crop2']
    a, b = ds[1]['inputs'], SkimagePhotos(names=['coffee'], crops_per_photo=3, seed=1)[1]['inputs']
    assert torch.equal(a, b) and not torch.equal(a, ds[0]['inputs'])
    with pytest.raises(ValueError, match='no photo'):
        SkimagePhotos(names=['not_a_photo'])
