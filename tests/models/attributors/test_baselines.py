"""Baselines against hand computations."""
import math

import pytest
import torch
import torch.nn as nn
from conftest import LinearModel

from input_iba.models.attributors.extremal_perturbation import (
    SmoothMaskGenerator,
    blur_stack,
    perturb,
)
from input_iba.models.classifiers import TextClassifier
from input_iba.registry import ATTRIBUTORS


class PatchReader(nn.Module):
    """Class 1's logit is ``scale`` times the mean of channel 0 over rows
    4..7, cols 8..11."""

    def __init__(self, scale=4.0):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(scale))

    def forward(self, x):
        s = x[:, 0, 4:8, 8:12].mean((1, 2)) * self.scale
        return torch.stack([-s, s], 1)


@pytest.fixture
def linear_case():
    torch.manual_seed(0)
    return LinearModel(torch.randn(3, 4, 5)), torch.randn(2, 3, 4, 5)


def _build(cfg, model):
    return ATTRIBUTORS.build(dict(cfg, model=model))


def test_saliency_is_mean_absolute_weight(linear_case):
    model, x = linear_case
    res = _build(dict(type='Saliency'), model).attribute(x, torch.tensor([0, 1]))
    expected = model.weight.detach().abs().mean(0)
    assert torch.allclose(res.input_masks[0], expected, atol=1e-6)
    assert torch.allclose(res.input_masks[1], expected, atol=1e-6)  # |-w| = |w|


def test_input_x_gradient_and_integrated_gradients_equal_x_times_w(linear_case):
    model, x = linear_case
    expected = (x * model.weight.detach()).abs().mean(1)
    for cfg in (dict(type='InputXGradient'),
                dict(type='IntegratedGradients', steps=8)):
        res = _build(cfg, model).attribute(x, torch.tensor([0, 0]))
        assert torch.allclose(res.input_masks, expected, atol=1e-5), cfg['type']


def test_gradcam_by_hand(tiny_convnet):
    x = torch.randn(1, 3, 16, 16)
    res = _build(dict(type='GradCAM', layer='features.3'), tiny_convnet).attribute(
        x, torch.tensor([2]))
    feats = tiny_convnet.features(x).detach().requires_grad_()
    logit = tiny_convnet.head(feats)[0, 2]
    grad, = torch.autograd.grad(logit, feats)
    cam = torch.relu((grad.mean((2, 3), keepdim=True) * feats).sum(1, keepdim=True))
    expected = nn.functional.interpolate(cam, size=(16, 16), mode='bilinear',
                                         align_corners=False)[0, 0]
    assert torch.allclose(res.input_masks[0], expected.detach(), atol=1e-6)


def test_occlusion_finds_the_patch_the_model_reads():
    x = torch.ones(1, 3, 16, 16)
    res = _build(dict(type='Occlusion', window=4, stride=4), PatchReader()).attribute(
        x, torch.tensor([1]))
    mask = res.input_masks[0]
    # occluding the read patch (rows 4..7, cols 8..11, all channels) drops
    # the logit by 4 * 1 = 4; every other patch changes nothing
    assert torch.allclose(mask[4:8, 8:12], torch.full((4, 4), 4.0), atol=1e-5)
    mask[4:8, 8:12] = 0
    assert torch.allclose(mask, torch.zeros_like(mask), atol=1e-6)


def test_smooth_mask_by_hand():
    gen = SmoothMaskGenerator((16, 16), step=2, sigma=2)
    assert gen.radius == 2 and gen.grid == (8, 8)
    params = torch.zeros(1, 1, 8, 8)
    params[0, 0, 3, 4] = 1.0  # sits on pixel (6, 8)
    mask = gen(params)[0, 0]
    others = (2 * gen.radius + 1)**2 - 1  # neighbours with value 0
    # on the point: kernel 1, smooth max of [1, 0, ..., 0] with coldness 20
    assert mask[6, 8].item() == pytest.approx(math.exp(20) / (math.exp(20) + others))
    # 1 px away (half a sigma): still 1; 2 px (one sigma): exp(-2 * 0.5^2)
    assert mask[6, 9].item() == pytest.approx(1.0, abs=1e-6)
    v = math.exp(-0.5)
    assert mask[6, 10].item() == pytest.approx(
        v * math.exp(20 * v) / (math.exp(20 * v) + others), rel=1e-5)
    assert mask[0, 0].item() == pytest.approx(0.0, abs=1e-6)

    # a margin of 3 px: the same mask on the image, drawn 3 px further out
    wide = SmoothMaskGenerator((16, 16), step=2, sigma=2, margin=3)
    canvas = wide(params)[0, 0]
    assert canvas.shape == (22, 22)
    torch.testing.assert_close(wide.crop(canvas), mask)
    assert canvas[0, 0].item() == pytest.approx(0.0, abs=1e-6)


def test_perturb_interpolates_the_blur_levels():
    x = torch.randn(2, 3, 16, 16)
    stack = blur_stack(x, 3.0, 3)  # sigmas 0, 1.5, 3
    ones = torch.ones(2, 1, 16, 16)
    assert torch.equal(perturb(stack, ones), x)
    assert torch.allclose(perturb(stack, 0 * ones), stack[:, 2])
    assert torch.allclose(perturb(stack, 0.5 * ones), stack[:, 1])
    assert torch.allclose(perturb(stack, 0.75 * ones), (stack[:, 0] + stack[:, 1]) / 2)


def _patch_image():
    torch.manual_seed(0)
    x = torch.randn(1, 3, 16, 16) * 0.2
    x[:, 0, 4:8, 8:12] = 2.0
    return x


# a 16x16 image needs a finer grid than TorchRay's 224x224 defaults; jitter
# (horizontal flips) off because the model reads one asymmetric patch
TINY_EP = dict(type='ExtremalPerturbation', steps=100, grid_step=2, smooth_sigma=2,
               blur_sigma=4, blur_levels=4, jitter=False)


@pytest.mark.parametrize('variant', ['preserve', 'delete'])
def test_extremal_perturbation_finds_the_read_patch(variant):
    att = _build(dict(TINY_EP, steps=200, variant=variant), PatchReader(scale=50.0))
    mask = att.attribute(_patch_image(), torch.tensor([1])).input_masks[0]
    outside = mask.clone()
    outside[4:8, 8:12] = float('nan')
    # the 16 read pixels are kept (deleted); the area constraint (26 of 256
    # pixels) leaves only the smooth rim around them (a mask this smooth
    # cannot be a sharp 4x4 square, so the area settles near 0.14)
    assert mask[4:8, 8:12].mean() > 0.85
    assert outside.nanmean() < 0.1
    assert mask.mean().item() == pytest.approx(0.1, abs=0.05)


def test_extremal_perturbation_areas_are_independent():
    x = _patch_image()
    both = _build(dict(TINY_EP, steps=20, areas=(0.05, 0.2)), PatchReader(50.0))
    masks = [_build(dict(TINY_EP, steps=20, areas=(a, )), PatchReader(50.0))
             .attribute(x, torch.tensor([1])).input_masks for a in (0.05, 0.2)]
    assert torch.allclose(both.attribute(x, torch.tensor([1])).input_masks,
                          (masks[0] + masks[1]) / 2, atol=1e-5)


def test_random_is_reproducible_and_batch_independent(tiny_convnet):
    att = _build(dict(type='Random'), tiny_convnet)
    x = torch.randn(3, 3, 16, 16)
    a = att.attribute(x, torch.zeros(3, dtype=torch.long), seeds=[1, 2, 3]).input_masks
    b = att.attribute(x[1:2], torch.zeros(1, dtype=torch.long), seeds=[2]).input_masks
    assert torch.equal(a[1], b[0]) and not torch.equal(a[0], a[1])


class EmbeddingDot(TextClassifier):
    """Logits ``[s, -s]`` with ``s = sum over real tokens of e_t . v``."""

    def __init__(self, table, v):
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(table)
        self.v = nn.Parameter(v)

    def embed(self, ids):
        return self.emb(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        s = ((emb @ self.v) * padding_mask).sum(1)
        return torch.stack([s, -s], 1)


def test_gradient_methods_on_token_embeddings():
    torch.manual_seed(0)
    model = EmbeddingDot(torch.randn(6, 3), torch.randn(3))
    ids = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])
    pm = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool)
    e, v = model.emb.weight[ids], model.v.detach()
    text = dict(type='TokenEmbeddingAdapter')
    expected = dict(Saliency=v.abs().mean().expand(2, 4),
                    InputXGradient=(e * v).abs().mean(-1),
                    IntegratedGradients=(e * v).abs().mean(-1),
                    # the padding embedding (row 0) replaces token t: s drops by
                    # (e_t - e_pad) . v
                    Occlusion=(e - model.emb.weight[0].detach()) @ v)
    for name, want in expected.items():
        cfg = dict(type=name, adapter=text)
        if name == 'Occlusion':
            cfg.update(window=1, stride=1)
        got = _build(cfg, model).attribute(ids, torch.tensor([0, 0]),
                                           padding_mask=pm).input_masks
        assert torch.allclose(got, want * pm, atol=1e-5), name


@pytest.mark.parametrize('cfg', [dict(type='GradCAM', layer='emb'),
                                 dict(type='ExtremalPerturbation')])
def test_image_only_methods_refuse_text(cfg):
    model = EmbeddingDot(torch.randn(6, 3), torch.randn(3))
    with pytest.raises(ValueError, match='not an image adapter'):
        _build(dict(cfg, adapter=dict(type='TokenEmbeddingAdapter')), model)
