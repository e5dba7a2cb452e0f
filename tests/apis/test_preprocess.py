"""preprocess: photos as uint8 arrays into the model's normalised batch,
exactly as the datasets make it; anything else refused with what to pass."""
import numpy as np
import pytest
import skimage.data
import torch

from input_iba.apis import load_config, preprocess
from input_iba.datasets import SkimagePhotos
from input_iba.models.attributors.gradients import Saliency


def test_one_photo_is_the_datasets_input():
    coffee = skimage.data.coffee()  # 400 x 600 x 3, uint8
    batch = preprocess(coffee)
    assert batch.shape == (1, 3, 224, 224) and batch.dtype == torch.float32
    assert torch.equal(batch[0], SkimagePhotos(names=['coffee'])[0]['inputs'])
    assert -1 <= batch.min() < batch.max() <= 1  # mean = std = 0.5


def test_lists_and_arrays_of_photos():
    photos = [skimage.data.coffee(), skimage.data.chelsea()]  # different sizes
    batch = preprocess(photos)
    assert batch.shape == (2, 3, 224, 224)
    assert torch.equal(batch[1], preprocess(photos[1])[0])
    stacked = np.stack([photos[1], photos[1]])  # (B, H, W, 3)
    assert torch.equal(preprocess(stacked), batch[[1, 1]])


def test_the_pipeline_of_a_model_config():
    cfg = load_config('configs/_base_/models/resnet50.py', required=())
    white = np.full((10, 20, 3), 255, np.uint8)
    batch = preprocess(white, cfg.pipeline)
    expected = (1 - np.array(cfg.pipeline.mean)) / np.array(cfg.pipeline.std)
    assert batch.shape[-2:] == tuple(cfg.pipeline.size)
    assert np.allclose(batch[0, :, 0, 0].numpy(), expected, atol=1e-6)


def test_the_batch_goes_to_attribute():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten())
    result = Saliency(model).attribute(preprocess(skimage.data.coffee()), [0])
    assert result.input_masks.shape == (1, 224, 224)


@pytest.mark.parametrize('images, error, message', [
    (np.zeros((8, 8, 3), np.float32), TypeError, r'dtype float32: pass uint8 RGB images'),
    (np.zeros((3, 8, 8), np.uint8), ValueError, r'channels first: image.transpose\(1, 2, 0\)'),
    (np.zeros((8, 8, 4), np.uint8), ValueError, r'drop alpha with image\[\.\.\., :3\]'),
    (np.zeros((8, 8), np.uint8), ValueError, r'grey: np.stack'),
    (torch.zeros(1, 3, 8, 8), TypeError, r'already normalised \(B, 3, H, W\) goes to '
     r'attribute\(\)'),
    ([np.zeros((8, 8, 3), np.uint8), 'cat.jpg'], TypeError, r'images\[1\] is a str'),
    ([], ValueError, r'no images given'),
    ('cat.jpg', TypeError, r'images is a str: pass uint8 RGB images of shape \(H, W, 3\)'),
])
def test_wrong_images_are_refused_with_what_to_pass(images, error, message):
    with pytest.raises(error, match=message):
        preprocess(images)


def test_attribute_names_preprocess_when_given_a_photo():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten())
    with pytest.raises(TypeError, match=r'input_iba.apis.preprocess\(images\)'):
        Saliency(model).attribute(skimage.data.coffee())
