"""Image metrics on hand-made cases with known answers."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn as nn
from conftest import DATA_ROOT, LinearModel, PixelSum, requires_shared_data, sigmoid

from input_iba.datasets import ImageNetBoxes
from input_iba.evaluation.vision import (
    EffectiveHeatRatio,
    EffectiveHeatShare,
    InsertionDeletion,
    PointingGame,
    SanityCheck,
    SensitivityN,
    effective_heat_ratio,
    heat_share_ratio,
    order_ranks,
    path_counts,
    path_inputs,
    pixel_order,
)
from input_iba.models.attributors import AttributionResult, BaseAttributor
from input_iba.registry import ATTRIBUTORS


def test_perturbation_path_follows_the_order():
    start, end = torch.zeros(1, 2, 2), torch.ones(1, 2, 2)
    counts = path_counts(4, 2)
    assert counts.tolist() == [0, 2, 4]
    rank = order_ranks(torch.tensor([3, 0, 2, 1]))
    assert rank.tolist() == [1, 3, 2, 0]
    images = path_inputs(start, end, rank.view(1, 2, 2), counts)
    assert [im.flatten().tolist() for im in images] == [[0, 0, 0, 0], [1, 0, 0, 1],
                                                        [1, 1, 1, 1]]


def test_insertion_deletion_auc_by_hand():
    x = torch.ones(1, 2, 2)
    mask = np.array([[0.9, 0.8], [0.1, 0.0]])  # the two pixels the model reads first
    ev = InsertionDeletion(PixelSum(), pixels_per_step=1, insertion_from='baseline')
    rec = ev.evaluate_sample(dict(inputs=x, name='a'), mask, 0)
    s2, s4 = sigmoid(2), sigmoid(4)
    assert rec['deletion'] == pytest.approx([s4, s2, 0.5, 0.5, 0.5], abs=1e-6)
    assert rec['insertion'] == pytest.approx([0.5, s2, s4, s4, s4], abs=1e-6)
    deletion = 0.25 * ((s4 + s2) / 2 + (s2 + 0.5) / 2 + 0.5 + 0.5)
    insertion = 0.25 * ((0.5 + s2) / 2 + (s2 + s4) / 2 + s4 + s4)
    assert rec['deletion_auc'] == pytest.approx(deletion, abs=1e-6)
    assert rec['insertion_auc'] == pytest.approx(insertion, abs=1e-6)
    # the worst ordering swaps the two curves' roles
    worst = ev.evaluate_sample(dict(inputs=x, name='a'), 1 - mask, 0)
    assert worst['deletion_auc'] > rec['deletion_auc']
    assert worst['insertion_auc'] < rec['insertion_auc']


def test_insertion_starts_from_the_blurred_copy():
    # a constant image is its own blur: insertion then stays at p(x)
    x = torch.full((1, 2, 2), 0.5)
    ev = InsertionDeletion(PixelSum(), pixels_per_step=1, blur_sigma=0.5)
    rec = ev.evaluate_sample(dict(inputs=x, name='c'), np.eye(2), 0)
    assert rec['insertion'] == pytest.approx([sigmoid(2)] * 5, abs=1e-6)
    assert rec['insertion_auc'] == pytest.approx(sigmoid(2), abs=1e-6)


def test_reference_protocol_by_hand():
    # blur_sigma=1 gives the reference's kernel of int(2 - 1) = 1 pixel: no blur
    x = torch.ones(1, 2, 2)
    mask = np.array([[0.9, 0.8], [0.1, 0.0]])
    ev = InsertionDeletion(PixelSum(), pixels_per_step=1, blur_sigma=1.0,
                           protocol='reference')
    rec = ev.evaluate_sample(dict(inputs=x, name='a'), mask, 0)
    s2 = sigmoid(2)
    # points after each step only, no point for the unchanged image
    assert rec['deletion'] == pytest.approx([s2, 0.5, 0.5, 0.5], abs=1e-6)
    assert rec['deletion_auc'] == pytest.approx(0.25 * ((s2 + 0.5) / 2 + 0.5 + 0.5), abs=1e-6)
    assert rec['insertion_auc'] == pytest.approx(0.75 * sigmoid(4), abs=1e-6)
    with pytest.raises(ValueError, match='protocol must be one of'):
        InsertionDeletion(PixelSum(), protocol='paper')
    with pytest.raises(ValueError, match='deletes to 0'):
        InsertionDeletion(PixelSum(), protocol='reference', baseline=-1.0)


def test_reference_protocol_equals_the_reference_loop_without_its_aliasing(tiny_convnet):
    """The reference's loop (pixels in descending order, 10 at a time, each
    state scored), written plainly, with a copy of every state."""
    from torchvision.transforms import GaussianBlur
    torch.manual_seed(1)
    tiny_convnet.double()  # batching is algebra: float64 (tests/README.md)
    x = torch.randn(3, 16, 16, dtype=torch.float64)
    mask = np.random.default_rng(1).random((16, 16))
    rec = InsertionDeletion(tiny_convnet, batch_size=7,
                            protocol='reference').evaluate_sample(dict(inputs=x), mask, 2)
    order = np.argsort(-mask.ravel(), kind='stable')

    def curve(start, end):
        current, states = start.clone(), []
        for first in range(0, order.size, 10):
            for flat in order[first:first + 10]:
                r, c = divmod(int(flat), 16)
                current[:, r, c] = end[:, r, c]
            states.append(current.clone())
        with torch.no_grad():
            return tiny_convnet(torch.stack(states)).softmax(-1)[:, 2].numpy()

    deletion = curve(x, torch.zeros_like(x))
    insertion = curve(GaussianBlur(9, 5.0)(x), x)
    assert len(rec['deletion']) == 26  # 10, 20, ..., 250, 256 pixels
    np.testing.assert_allclose(rec['deletion'], deletion, atol=1e-12)
    np.testing.assert_allclose(rec['insertion'], insertion, atol=1e-12)
    assert rec['deletion_auc'] == pytest.approx(np.trapezoid(deletion, dx=1 / 26), abs=1e-12)
    assert rec['insertion_auc'] == pytest.approx(np.trapezoid(insertion, dx=1 / 26), abs=1e-12)


def test_batched_curves_equal_one_image_per_forward_pass(tiny_convnet):
    # batching is algebra, not kernels: compared in float64, where the batch
    # sizes agree to ~1e-15 on any CPU (float32 kernels differ by ~1e-5 in a
    # correlation of small logit drops, and by CPU: tests/README.md)
    tiny_convnet.double()
    x = torch.randn(3, 16, 16, dtype=torch.float64)
    mask = np.random.default_rng(0).random((16, 16))
    item = dict(inputs=x, name='b')
    single = InsertionDeletion(tiny_convnet, batch_size=1, pixels_per_step=10,
                               blur_sigma=1.0).evaluate_sample(item, mask, 2)
    batched = InsertionDeletion(tiny_convnet, batch_size=64, pixels_per_step=10,
                                blur_sigma=1.0).evaluate_sample(item, mask, 2)
    np.testing.assert_allclose(batched['insertion'], single['insertion'], atol=1e-12)
    np.testing.assert_allclose(batched['deletion'], single['deletion'], atol=1e-12)
    assert len(single['fractions']) == 27  # 0, 10, ..., 250, 256 pixels
    sens = [SensitivityN(tiny_convnet, ns=[1, 8, 64], num_subsets=12, batch_size=bs)
            .evaluate_sample(item, mask, 2)['correlations'] for bs in (1, 5, 64)]
    np.testing.assert_allclose(sens[1], sens[0], atol=1e-10)
    np.testing.assert_allclose(sens[2], sens[0], atol=1e-10)


def test_random_maps_give_insertion_close_to_deletion_on_average():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Tanh(),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))
    ev = InsertionDeletion(model, pixels_per_step=8, insertion_from='baseline')
    rng = np.random.default_rng(0)
    x = torch.randn(3, 8, 8)
    diffs = [ev.evaluate_sample(dict(inputs=x, name='r'), rng.random((8, 8)), 1)
             ['difference'] for _ in range(60)]
    assert abs(np.mean(diffs)) < 3 * np.std(diffs) / np.sqrt(len(diffs)) + 1e-3


def test_sensitivity_n_is_one_for_exact_linear_attributions():
    torch.manual_seed(0)
    w, x = torch.randn(3, 6, 6), torch.randn(3, 6, 6)
    mask = (w * x).sum(0).numpy()  # exact attribution of the logit
    ev = SensitivityN(LinearModel(w), ns=[1, 4, 16], num_subsets=20)
    rec = ev.evaluate_sample(dict(inputs=x, name='lin'), mask, 0)
    assert rec['correlations'] == pytest.approx([1, 1, 1], abs=1e-5)
    shuffled = np.random.default_rng(1).permutation(mask.flatten()).reshape(6, 6)
    assert ev.evaluate_sample(dict(inputs=x, name='lin'), shuffled, 0)[
        'mean_correlation'] < 0.9


def _heat_and_box():
    roi = np.zeros((4, 4), bool)
    roi[:2, :2] = True
    heat = np.array([[1.0, 0.5, 0, 0], [0, 0, 0, 0], [0, 0, 0.5, 0], [0, 0, 0, 0.05]])
    return heat, roi


def test_paper_ehr_divides_the_heat_in_the_box_by_the_pixels_above_by_hand():
    heat, roi = _heat_and_box()
    # heat >= 0.1 is {1, .5 (in), .5 (out)}; the threshold is the linearly
    # interpolated quantile q of [0.5, 0.5, 1]: 0.5 for q <= 0.5 (three
    # pixels above, 1.5 of heat in the box: 1.5 / 3), more than 0.5 after
    # (only the 1 inside: 1 / 1)
    value, quantiles, ratios = effective_heat_ratio(heat, roi)
    expected = np.where(quantiles <= 0.5 + 1e-9, 0.5, 1.0)
    np.testing.assert_allclose(ratios, expected, rtol=1e-7)  # the 1e-8 in the count
    assert value == pytest.approx(np.trapezoid(expected, quantiles))
    # the height of the heat counts: the box itself at 0.3 scores 0.3, at 1 scores 1
    assert effective_heat_ratio(0.3 * roi, roi)[0] == pytest.approx(0.3)
    assert effective_heat_ratio(roi.astype(float), roi)[0] == pytest.approx(1.0)
    assert effective_heat_ratio(np.full((4, 4), 0.05), roi)[0] == 0.0  # nothing above 0.1


def test_heat_share_ehr_divides_by_the_heat_above_by_hand():
    heat, roi = _heat_and_box()
    # the same thresholds; the share of heat: 1.5 / 2, then 1 / 1; any scale
    value, quantiles, ratios = heat_share_ratio(3 * heat, roi)
    expected = np.where(quantiles <= 0.5 + 1e-9, 0.75, 1.0)
    np.testing.assert_allclose(ratios, expected)
    assert value == pytest.approx(np.trapezoid(expected, quantiles))
    item = dict(boxes=np.array([[0, 0, 2, 2]]), name='h')
    rec = EffectiveHeatShare().evaluate_sample(item, 0.3 * roi, 0)
    assert rec['ratios'] == [1.0] * 11 and rec['ehr_share'] == 1.0


def test_paper_ehr_rasterises_and_skips_boxes_as_the_reference():
    ev = EffectiveHeatRatio()
    heat = np.zeros((10, 10))
    heat[:3, :3] = 1.0
    # truncated: the box covers rows and columns 0..2 (9 pixels), not 0..3
    rec = ev.evaluate_sample(dict(boxes=np.array([[0.2, 0.4, 3.9, 3.7]])), heat, 0)
    assert rec['box_share'] == 0.09 and rec['ehr'] == pytest.approx(1.0)
    assert EffectiveHeatShare().evaluate_sample(
        dict(boxes=np.array([[0.2, 0.4, 3.9, 3.7]])), heat, 0)['box_share'] == 0.16
    # the reference keeps a box share of 0.33 and skips anything larger
    assert ev.evaluate_sample(dict(boxes=np.array([[0, 0, 10, 3.3]])), heat, 0) is not None
    assert ev.evaluate_sample(dict(boxes=np.array([[0, 0, 10, 4]])), heat, 0) is None
    assert ev.evaluate_sample(dict(boxes=np.zeros((0, 4))), heat, 0) is None
    # a map outside [0, 1] is divided by its maximum, and the record says so
    rec = ev.evaluate_sample(dict(boxes=np.array([[0, 0, 3, 3]])), 7 * heat, 0)
    assert rec['scaled'] and rec['ehr'] == pytest.approx(1.0)
    assert not ev.evaluate_sample(dict(boxes=np.array([[0, 0, 3, 3]])), heat, 0)['scaled']


# The reference implementation's EffectiveHeatRatios.evaluate (CAMP-eXplain-AI/
# InputIBA, weight_by_heat=True) on the reference's own masks of five shared
# ImageNet images (reference_masks/, float16 read as float64), boxes truncated
# to ints as its dataset does; computed by running that code beside the project.
REFERENCE_EHR = {'ILSVRC2012_val_00003161': 0.4352738825549792,
                 'ILSVRC2012_val_00008848': 0.5190457780790658,
                 'ILSVRC2012_val_00009973': 0.5789714163666766,
                 'ILSVRC2012_val_00011670': 0.06536824038167663,
                 'ILSVRC2012_val_00030790': 0.11617821681254027}


@requires_shared_data
def test_paper_ehr_reproduces_the_reference_code_on_its_masks():
    dataset = ImageNetBoxes(osp.join(DATA_ROOT, 'imagenet'))
    masks = np.load(osp.join(DATA_ROOT, 'reference_masks',
                             'inputiba_reference_efficientnet_lite0.npz'))
    ev = EffectiveHeatRatio()
    ours = {dataset.sample_name(i): ev.evaluate_sample(
        dataset[i], masks[dataset.sample_name(i)].astype(np.float64), 0)
        for i in range(len(dataset)) if dataset.sample_name(i) in REFERENCE_EHR}
    assert ours.keys() == REFERENCE_EHR.keys()
    for name, value in REFERENCE_EHR.items():
        assert ours[name]['ehr'] == pytest.approx(value, abs=1e-12), name


def test_pointing_game_with_tolerance():
    mask = np.zeros((40, 40))
    mask[30, 30] = 1
    game = PointingGame(tolerance=15)
    assert game.evaluate_sample(dict(boxes=np.array([[25, 25, 35, 35]])), mask, 0)['hit'] == 1
    assert game.evaluate_sample(dict(boxes=np.array([[0, 0, 10, 10]])), mask, 0)['hit'] == 0
    assert game.evaluate_sample(dict(boxes=np.array([[0, 0, 25, 25]])), mask, 0)["hit"] == 1
    # strictly less than the tolerance, as TorchRay: 15 px away misses, 14 px hits
    assert game.evaluate_sample(dict(boxes=np.array([[0, 0, 16, 40]])), mask, 0)["hit"] == 0
    assert game.evaluate_sample(dict(boxes=np.array([[0, 0, 17, 40]])), mask, 0)["hit"] == 1
    assert game.evaluate_sample(dict(boxes=np.zeros((0, 4))), mask, 0) is None


@ATTRIBUTORS.register_module(force=True)
class EdgeDetector(BaseAttributor):
    """Gradient magnitude of the image itself: ignores the model."""

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        gray = inputs.mean(1)
        gx = gray[:, :, 1:] - gray[:, :, :-1]
        gy = gray[:, 1:, :] - gray[:, :-1, :]
        edges = gx[:, :-1, :] ** 2 + gy[:, :, :-1] ** 2
        return AttributionResult(input_masks=nn.functional.pad(edges, (0, 1, 0, 1)))


def test_sanity_check_of_an_edge_detector_stays_flat(tiny_convnet):
    x = torch.randn(3, 16, 16)
    edges = EdgeDetector(tiny_convnet).attribute(x[None], torch.tensor([0])).input_masks[0]
    check = SanityCheck(tiny_convnet, dict(type='EdgeDetector'))
    rec = check.evaluate_sample(dict(inputs=x, name='e'), edges.numpy(), 0)
    assert len(rec['ssim']) == 3  # head linear, two convolutions
    assert rec['ssim'] == pytest.approx([1, 1, 1], abs=1e-6)
    assert rec['repeat_ssim'] == pytest.approx(1, abs=1e-6)


def test_sanity_check_of_a_gradient_decays(tiny_convnet):
    @ATTRIBUTORS.register_module(force=True)
    class PlainGradient(BaseAttributor):
        def attribute(self, inputs, targets, seeds=None, padding_mask=None):
            x = inputs.clone().requires_grad_()
            self.model(x)[0, targets[0]].backward()
            return AttributionResult(input_masks=x.grad.abs().sum(1))

    x = torch.randn(3, 16, 16)
    grad = PlainGradient(tiny_convnet).attribute(x[None], torch.tensor([1])).input_masks[0]
    rec = SanityCheck(tiny_convnet, dict(type='PlainGradient')).evaluate_sample(
        dict(inputs=x, name='g'), grad.numpy(), 1)
    assert rec['repeat_ssim'] == pytest.approx(1, abs=1e-6)  # deterministic
    assert rec['final_ssim'] < 0.5


def test_pixel_order_breaks_ties_by_index():
    assert pixel_order(np.array([[0.5, 1.0], [0.5, 0.5]])).tolist() == [1, 0, 2, 3]


def test_sanity_check_takes_a_factory_and_whole_blocks(tiny_convnet):
    x = torch.randn(3, 16, 16)
    edges = EdgeDetector(tiny_convnet).attribute(x[None], torch.tensor([0])).input_masks[0]
    check = SanityCheck(tiny_convnet, lambda model: EdgeDetector(model),
                        layers=['head', 'features'])
    rec = check.evaluate_sample(dict(inputs=x, name='e'), edges.numpy(), 0)
    assert rec['layers'] == ['head', 'features'] and rec['ssim'] == pytest.approx([1, 1])
    scale = nn.Module()
    scale.weight = nn.Parameter(torch.ones(1))  # no reset_parameters
    with pytest.raises(ValueError, match='reset_parameters'):
        SanityCheck(nn.Sequential(scale), lambda m: EdgeDetector(m)).evaluate_sample(
            dict(inputs=x, name='e'), edges.numpy(), 0)


def test_rerun_statistics_are_read_once_and_only_when_needed(tiny_convnet):
    from input_iba.evaluation.vision.rerun import build_rerun_attributor
    calls = []

    def inputs():
        calls.append(1)
        return torch.randn(4, 3, 16, 16)

    build_rerun_attributor(dict(type='Saliency'), tiny_convnet, inputs)
    assert not calls  # no statistics needed: nothing read
    att = build_rerun_attributor(dict(type='IBA', layer='features.1'), tiny_convnet, inputs)
    assert calls == [1] and att.estimator.count == 4
    with pytest.raises(ValueError, match='needs layer statistics'):
        build_rerun_attributor(dict(type='IBA', layer='features.1'), tiny_convnet)
