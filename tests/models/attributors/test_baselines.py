"""Baselines against hand computations."""
import pytest
import torch
import torch.nn as nn

from conftest import LinearModel
from input_iba.registry import ATTRIBUTORS


class PatchReader(nn.Module):
    """Class 1's logit is the mean of channel 0 over rows 4..7, cols 8..11."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(4.0))

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


def test_extremal_perturbation_keeps_the_read_patch():
    torch.manual_seed(0)
    x = torch.randn(1, 3, 16, 16) * 0.2
    x[:, 0, 4:8, 8:12] = 2.0
    att = _build(dict(type='ExtremalPerturbation', areas=(0.1, ), steps=150,
                      lr=0.05, grid_step=2, smooth_sigma=2, blur_sigma=4,
                      blur_levels=4), PatchReader())
    mask = att.attribute(x, torch.tensor([1])).input_masks[0]
    assert mask[4:8, 8:12].mean() > 2 * mask.mean()


def test_random_is_reproducible_and_batch_independent(tiny_convnet):
    att = _build(dict(type='Random'), tiny_convnet)
    x = torch.randn(3, 3, 16, 16)
    a = att.attribute(x, torch.zeros(3, dtype=torch.long), seeds=[1, 2, 3]).input_masks
    b = att.attribute(x[1:2], torch.zeros(1, dtype=torch.long), seeds=[2]).input_masks
    assert torch.equal(a[1], b[0]) and not torch.equal(a[0], a[1])


@pytest.mark.parametrize('cfg', [dict(type='Saliency'), dict(type='InputXGradient'),
                                 dict(type='IntegratedGradients', steps=4),
                                 dict(type='GradCAM', layer='features.3'),
                                 dict(type='Occlusion', window=4, stride=4),
                                 dict(type='ExtremalPerturbation', steps=3, blur_sigma=3,
                                      grid_step=2, smooth_sigma=2)])
def test_batch_equals_single(cfg, tiny_convnet):
    att = _build(cfg, tiny_convnet)
    x = torch.randn(2, 3, 16, 16)
    batch = att.attribute(x, torch.tensor([0, 3])).input_masks
    single = att.attribute(x[1:], torch.tensor([3])).input_masks
    assert torch.allclose(batch[1], single[0], atol=1e-5)
