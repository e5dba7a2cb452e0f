"""InputIBA's masks on real images do not depend on the batch size or the
thread count, nor on a float-level change of the input, beyond a stated
tolerance (docs/results/determinism.md); with the exact ReLU gradients a
float-level change of the input changes the masks visibly."""
import numpy as np
import pytest
import torch
from conftest import requires_shared_data

from input_iba.datasets import ImageNetBoxes, iter_batches
from input_iba.engine.batch import attribute_items
from input_iba.evaluation.vision.sanity_check import ssim
from input_iba.models.attributors import InputIBA
from input_iba.models.classifiers import EfficientNetLite0

# the default schedule, shorter: the exact-gradient masks diverge within
# 10 steps, so 15 steps of 2 copies show the difference
LIGHT = dict(feat_iba=dict(copies=2), input_iba=dict(steps=15, copies=2))
# stated in docs/results/determinism.md and docs/when_things_go_wrong.md
MAX_ABS, MIN_SSIM = 0.02, 0.999


@pytest.fixture(scope='module')
def setting():
    dataset = ImageNetBoxes()
    model = EfficientNetLite0()
    attributors = {width: InputIBA(model, 'blocks.2', activation_gradient_width=width,
                                   **LIGHT) for width in (0.0, 0.5)}
    attributors[0.0].estimate(iter_batches(dataset, 4, lambda *a: None), 4,
                              progress=False)
    attributors[0.5].set_estimator(attributors[0.0].estimator)
    return dataset, [dataset[i] for i in range(2)], attributors


def masks(setting, width, batch_size=1, threads=1, count=2, perturbation=0.0):
    dataset, items, attributors = setting
    torch.set_num_threads(threads)
    out = []
    for i in range(0, count, batch_size):
        part = [dict(it, inputs=it['inputs'] + perturbation * torch.randn(
            it['inputs'].shape, generator=torch.Generator().manual_seed(1)))
            for it in items[i:i + batch_size]]
        out.append(attribute_items(attributors[width], part, dataset.collate,
                                   targets='prediction').result.input_masks)
    torch.set_num_threads(1)
    return torch.cat(out).numpy()


def differences(a, b):
    """Max abs difference and least SSIM over the images of ``b`` (the
    first ones of ``a``)."""
    a = a[:len(b)]
    return np.abs(a - b).max(), min(ssim(x, y) for x, y in zip(a, b))


@requires_shared_data
def test_batch_size_threads_and_float_noise_change_the_masks_little(setting):
    base = masks(setting, 0.5)
    for kwargs in (dict(batch_size=2), dict(threads=2),
                   dict(count=1, perturbation=1e-6)):
        max_abs, min_ssim = differences(base, masks(setting, 0.5, **kwargs))
        assert max_abs < MAX_ABS and min_ssim > MIN_SSIM, (kwargs, max_abs, min_ssim)


@requires_shared_data
def test_exact_relu_gradients_amplify_float_noise(setting):
    max_abs, _ = differences(masks(setting, 0.0, count=1),
                             masks(setting, 0.0, count=1, perturbation=1e-6))
    assert max_abs > 5 * MAX_ABS
