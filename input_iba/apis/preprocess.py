"""``preprocess``: photos as numpy arrays into the batch a vision model takes."""
from typing import Callable, Sequence, Union

import numpy as np
import torch

from input_iba.datasets.transforms import build_transform

_WHAT_TO_PASS = ('pass uint8 RGB images of shape (H, W, 3) with values 0-255: one array, '
                 'a list of them (sizes may differ) or an array (B, H, W, 3)')


def _check_image(image, where: str) -> None:
    if isinstance(image, torch.Tensor):
        raise TypeError(f'{where} is a torch.Tensor: {_WHAT_TO_PASS}, e.g. tensor.numpy(); '
                        'a batch that is already normalised (B, 3, H, W) goes to '
                        'attribute() as it is.')
    if not isinstance(image, np.ndarray):
        raise TypeError(f'{where} is a {type(image).__name__}: {_WHAT_TO_PASS} '
                        '(e.g. np.asarray(PIL.Image.open(path).convert("RGB"))).')
    if image.dtype != np.uint8:
        raise TypeError(f'{where} has dtype {image.dtype}: {_WHAT_TO_PASS}; floats in [0, 1] '
                        'become (image * 255).round().astype(np.uint8).')
    if image.ndim != 3 or image.shape[-1] != 3:
        hint = ('channels first: image.transpose(1, 2, 0)' if image.ndim == 3
                and image.shape[0] == 3 else 'RGBA: drop alpha with image[..., :3]'
                if image.ndim == 3 and image.shape[-1] == 4 else
                'grey: np.stack([image] * 3, -1)' if image.ndim == 2 else '')
        raise ValueError(f'{where} has shape {tuple(image.shape)}: {_WHAT_TO_PASS}'
                         + (f' ({hint})' if hint else '') + '.')


def preprocess(images: Union[np.ndarray, Sequence[np.ndarray]],
               pipeline: Union[dict, Callable] = dict(type='ResizeNormalize')
               ) -> torch.Tensor:
    """The batch ``(B, 3, H, W)`` (float32) that a vision model and
    ``attribute`` take, from photos: ``images`` is one uint8 RGB array
    ``(H, W, 3)`` with values 0-255, a list of them (sizes may differ) or a
    uint8 array ``(B, H, W, 3)``. Each is resized to the pipeline's size (no
    crop) and normalised as ``(x / 255 - mean) / std``, as the datasets do.

    ``pipeline``: the model config's ``pipeline`` (e.g.
    ``load_config(path).pipeline``) or a transform; the default,
    ``ResizeNormalize``'s, is EfficientNet-Lite0's: 224 x 224, mean = std =
    0.5. Anything else than
    such images is refused with a message that says what to pass."""
    if isinstance(images, np.ndarray) and images.ndim == 4:
        images = list(images)
    elif isinstance(images, (np.ndarray, torch.Tensor)):
        images = [images]
    elif not isinstance(images, (list, tuple)):
        _check_image(images, 'images')
    if not images:
        raise ValueError(f'no images given: {_WHAT_TO_PASS}.')
    for i, image in enumerate(images):
        _check_image(image, 'images' if len(images) == 1 else f'images[{i}]')
    transform = build_transform(pipeline)
    return torch.stack([transform(image)[0] for image in images])
