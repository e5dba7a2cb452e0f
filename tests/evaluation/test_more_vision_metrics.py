"""ROAD, faithfulness correlation, monotonicity, complexity, sparseness,
robustness, random-logit, background faithfulness and degradation on
hand-made cases."""
import math

import numpy as np
import pytest
import torch
import torch.nn as nn
from conftest import LinearModel, PixelSum, sigmoid

from input_iba.evaluation.vision import (
    ROAD,
    BackgroundFaithfulness,
    Complexity,
    Degradation,
    FaithfulnessCorrelation,
    LocalLipschitz,
    MaxSensitivity,
    Monotonicity,
    RandomLogit,
    SensitivityN,
    Sparseness,
    attribution_entropy,
    gini_index,
    linear_imputation,
    ssim,
    tile_ranks,
)


def _item(x, name='a'):
    return dict(inputs=x, name=name)


def test_sparseness_and_complexity_by_hand():
    assert gini_index([[0, 0], [0, 1]]) == pytest.approx(0.75)
    assert gini_index(np.ones((3, 3))) == pytest.approx(0.0)
    assert gini_index([1, 2, 3, 4]) == pytest.approx((-3 - 2 + 3 + 12) / 40)
    assert gini_index(np.zeros(4)) is None
    h, norm = attribution_entropy([[1, -1], [2, 0]])  # shares 1/4, 1/4, 1/2
    assert h == pytest.approx(-(0.5 * math.log(0.25) + 0.5 * math.log(0.5)))
    assert norm == pytest.approx(h / math.log(4))
    assert attribution_entropy(np.eye(3)[0])[0] == pytest.approx(0.0)
    rec = Complexity().evaluate_sample(_item(None), np.ones((2, 2)), 0)
    assert rec['normalised_entropy'] == pytest.approx(1.0)
    assert Sparseness().evaluate_sample(_item(None), np.ones((2, 2)), 0)['gini'] == 0


def test_faithfulness_correlation_is_one_for_exact_contributions():
    torch.manual_seed(0)
    model, x = LinearModel(torch.randn(1, 6, 6)), torch.randn(1, 6, 6)
    contrib = (x * model.weight.detach())[0].numpy()  # the logit drop of each pixel
    ev = FaithfulnessCorrelation(model, subset_size=5, num_subsets=20, batch_size=7)
    rec = ev.evaluate_sample(_item(x), contrib, 0)
    assert rec['faithfulness_correlation'] == pytest.approx(1.0, abs=1e-6)
    # sensitivity-N at the same N and seed meets the same subsets
    noisy = contrib + np.random.default_rng(0).normal(size=contrib.shape)
    same = SensitivityN(model, ns=[5], num_subsets=20).evaluate_sample(_item(x), noisy, 0)
    assert ev.evaluate_sample(_item(x), noisy, 0)['faithfulness_correlation'] == \
        pytest.approx(same['correlations'][0])


def test_linear_imputation_by_hand():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3) ** 2
    removed = np.zeros((3, 3), bool)
    removed[1, 1] = True
    out = linear_imputation(x, removed)
    direct, diagonal = 1 + 9 + 25 + 49, 0 + 4 + 36 + 64
    assert out[0, 1, 1] == pytest.approx(direct / 6 + diagonal / 12)
    out[0, 1, 1] = x[0, 1, 1]
    assert np.array_equal(out, x)
    # a plane is its own neighbour mean: an interior hole is filled exactly
    ys, xs = np.mgrid[0:6, 0:6]
    plane = np.stack([2 * ys - 3 * xs + 1.0, xs + 0.5 * ys])
    hole = np.zeros((6, 6), bool)
    hole[1:5, 2:5] = True
    np.testing.assert_allclose(linear_imputation(plane, hole), plane, atol=1e-9)


def test_road_on_a_constant_image_keeps_the_prediction():
    x = torch.full((1, 2, 2), 0.5)  # imputation of a constant image is constant
    ev = ROAD(PixelSum(), fractions=(0.25, 0.5, 0.75), noise=0.0)
    rec = ev.evaluate_sample(_item(x), np.array([[0.9, 0.8], [0.1, 0.0]]), 0)
    assert rec['morf'] == pytest.approx([sigmoid(2)] * 3, abs=1e-6)
    assert rec['morf_auc'] == pytest.approx(0.5 * sigmoid(2), abs=1e-6)
    assert rec['difference'] == pytest.approx(0.0, abs=1e-6)


def test_road_removes_in_order():
    x = torch.zeros(1, 3, 3)
    x[0, 0, 0] = 3.0  # the model reads (0, 0) and (0, 1): logit 2 * 3
    mask = np.zeros((3, 3))
    mask[0, 0] = 1.0
    ev = ROAD(PixelSum(), fractions=(1 / 9, ), noise=0.0)
    rec = ev.evaluate_sample(_item(x), mask, 0)
    # MoRF imputes (0, 0) from its 3 neighbours (all 0, x[0,1] = 0): logit 0;
    # LeRF imputes (2, 2), far away: the logit stays 2 * 3
    assert rec['morf'] == pytest.approx([0.5], abs=1e-6)
    assert rec['lerf'] == pytest.approx([sigmoid(6)], abs=1e-6)


class Signed(nn.Module):
    """Logit ``s = x00 - x01 + 2 x10`` for 1x2x2 images; class 0 has ``2 s``."""

    def forward(self, x):
        s = x[:, 0, 0, 0] - x[:, 0, 0, 1] + 2 * x[:, 0, 1, 0]
        return torch.stack([2 * s, torch.zeros_like(s)], 1)


def test_monotonicity_by_hand():
    x = torch.ones(1, 2, 2)
    mask = np.array([[0.4, 0.1], [0.3, 0.2]])  # revealed: (0,1), (1,1), (1,0), (0,0)
    rec = Monotonicity(Signed(), positions_per_step=1).evaluate_sample(_item(x), mask, 0)
    # s: 0, -1, -1, 1, 2 -> p = sigmoid(2 s): one fall, one tie, two rises
    assert rec['scores'] == pytest.approx([0.5, sigmoid(-2), sigmoid(-2), sigmoid(2),
                                           sigmoid(4)], abs=1e-6)
    assert rec['monotonicity'] == 0.75 and rec['monotonic'] == 0.0
    # a model without negative evidence, read pixels last: ties, then rises
    good = Monotonicity(PixelSum(), positions_per_step=1, batch_size=2).evaluate_sample(
        _item(x), np.array([[0.3, 0.4], [0.1, 0.0]]), 0)
    assert good['monotonicity'] == 1.0 and good['monotonic'] == 1.0


def test_background_faithfulness_by_hand():
    x = torch.ones(1, 2, 2)
    mask = np.array([[0.9, 0.8], [0.1, 0.0]])
    ev = BackgroundFaithfulness(PixelSum(), fractions=(0.25, 0.5), backgrounds=('mean', 1.0))
    rec = ev.evaluate_sample(_item(x), mask, 0)
    full = sigmoid(4)
    # mean (0): removing (0,0) -> logit 2, both -> 0; keeping them alone: 2, 4
    comp = full - (sigmoid(2) + 0.5) / 2
    suff = full - (sigmoid(2) + full) / 2
    # a background of 1 equals the image: no change at all
    assert rec['per_background']['mean']['comprehensiveness'] == pytest.approx(comp)
    assert rec['per_background']['mean']['sufficiency'] == pytest.approx(suff)
    assert rec['per_background']['1.0']['comprehensiveness'] == pytest.approx(0.0, abs=1e-7)
    assert rec['comprehensiveness'] == pytest.approx(comp / 2)
    assert rec['sufficiency'] == pytest.approx(suff / 2)


def test_tile_ranks_and_degradation_by_hand():
    mask = np.array([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 5, 5], [0, 0, 5, 5.]])
    rank, num = tile_ranks(mask, 2)
    assert num == 4
    assert rank[::2, ::2].tolist() == [[1, 2], [3, 0]]
    x = torch.ones(1, 2, 2)
    ev = Degradation(PixelSum(), tile=1, tiles_per_step=1)
    rec = ev.evaluate_sample(_item(x), np.array([[0.9, 0.8], [0.1, 0.0]]), 0)
    morf = np.array([sigmoid(4), sigmoid(2), 0.5, 0.5, 0.5])
    lerf = np.array([sigmoid(4), sigmoid(4), sigmoid(4), sigmoid(2), 0.5])
    norm = lambda s: (s - 0.5) / (sigmoid(4) - 0.5)  # noqa: E731
    f = np.linspace(0, 1, 5)
    assert rec['morf'] == pytest.approx(norm(morf).tolist())
    assert rec['morf_auc'] == pytest.approx(np.trapezoid(norm(morf), f))
    assert rec['degradation'] == pytest.approx(np.trapezoid(norm(lerf) - norm(morf), f))


def test_robustness_by_hand():
    model = LinearModel(torch.full((1, 4, 4), 2.0))
    x = torch.full((1, 4, 4), 10.0)  # far from 0: the noise never flips a sign
    sal = MaxSensitivity(model, dict(type='Saliency'), num_perturbations=4)
    assert sal.evaluate_sample(_item(x), None, 0)['max_sensitivity'] == 0.0
    # input x gradient |2 x|: it moves by 2 d for a step d
    ixg = dict(type='InputXGradient')
    lip = LocalLipschitz(model, ixg, num_perturbations=5).evaluate_sample(_item(x), None, 0)
    assert lip['local_lipschitz'] == pytest.approx(2.0, rel=1e-5)
    ev = MaxSensitivity(model, ixg, num_perturbations=5, radius=0.5,
                        attribution_batch_size=2)
    rec = ev.evaluate_sample(_item(x), None, 0)
    d = ev.perturbations('a', x) - x
    want = (d.flatten(1).norm(dim=1) / x.norm()).max().item()
    assert rec['max_sensitivity'] == pytest.approx(want, rel=1e-5)


class ThreeClasses(nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.w = nn.Parameter(weights)  # (3, 1, H, W)

    def forward(self, x):
        return torch.einsum('bchw,kchw->bk', x, self.w)


def test_random_logit_by_hand():
    torch.manual_seed(0)
    model = ThreeClasses(torch.randn(3, 1, 8, 8))  # SSIM needs 7x7 at least
    x = torch.randn(1, 8, 8)
    ev = RandomLogit(model, dict(type='Saliency'))
    rec = ev.evaluate_sample(_item(x, 'img'), None, 1)
    other = rec['other_class']
    assert other != 1 and other == ev.other_class('img', 1, 3)
    w = model.w.detach().abs()[:, 0].numpy()  # saliency of class k: |w_k|
    assert rec['random_logit_ssim'] == pytest.approx(ssim(w[1], w[other]))
    # a map that ignores the class: SSIM 1
    same = RandomLogit(LinearModel(torch.randn(1, 8, 8)), dict(type='Saliency'))
    assert same.evaluate_sample(_item(x), None, 0)['random_logit_ssim'] == pytest.approx(1.0)


@pytest.mark.parametrize('make', [
    lambda m, bs: ROAD(m, fractions=(0.2, 0.6), batch_size=bs),
    lambda m, bs: Monotonicity(m, positions_per_step=32, batch_size=bs),
    lambda m, bs: BackgroundFaithfulness(m, blur_sigma=2.0, batch_size=bs),
    lambda m, bs: Degradation(m, tile=4, tiles_per_step=2, batch_size=bs),
    lambda m, bs: FaithfulnessCorrelation(m, subset_size=16, num_subsets=9,
                                          batch_size=bs)])
def test_batched_equals_one_image_per_pass(make, tiny_convnet):
    # batching is algebra: compared in float64 (tests/README.md); in float32
    # degradation divides by a span of ~1e-4 of a random model's outputs, and
    # the kernels' rounding differs by CPU
    tiny_convnet.double()
    item = _item(torch.randn(3, 16, 16, dtype=torch.float64), 'b')
    mask = np.random.default_rng(0).random((16, 16))
    one, many = (make(tiny_convnet, bs).evaluate_sample(item, mask, 2) for bs in (1, 64))
    for key, value in one.items():
        if isinstance(value, float):
            assert many[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
