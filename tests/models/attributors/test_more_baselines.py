"""The Captum family, the CAM family, RISE and the surrogate explainers
against hand computations."""
import math

import pytest
import torch
import torch.nn as nn
from conftest import LinearModel

from input_iba.models.bottlenecks import smooth2d
from input_iba.registry import ATTRIBUTORS


def _build(cfg, model):
    return ATTRIBUTORS.build(dict(cfg, model=model))


def _masks(cfg, model, x, targets, **kw):
    return _build(cfg, model).attribute(x, torch.as_tensor(targets), **kw).input_masks


@pytest.fixture
def linear_case():
    torch.manual_seed(0)
    return LinearModel(torch.randn(3, 8, 8)), torch.randn(2, 3, 8, 8)


# ----- gradients -------------------------------------------------------------------
def test_smoothgrad_without_noise_is_saliency(tiny_convnet):
    x = torch.randn(2, 3, 16, 16)
    sal = _masks(dict(type='Saliency'), tiny_convnet, x, [0, 3])
    sg = _masks(dict(type='SmoothGrad', noise_level=0.0, samples=3), tiny_convnet,
                x, [0, 3])
    torch.testing.assert_close(sg, sal)


def test_smoothgrad_of_a_linear_model_is_its_weight(linear_case):
    model, x = linear_case  # the gradient is w at every noisy copy
    w = model.weight.detach()
    for variant, want in [('smoothgrad', w.abs().mean(0)),
                          ('smoothgrad_sq', (w**2).mean(0)),
                          ('vargrad', torch.zeros(8, 8))]:
        got = _masks(dict(type='SmoothGrad', samples=5, variant=variant),
                     model, x, [0, 1])
        torch.testing.assert_close(got, want.expand(2, 8, 8), atol=1e-5, rtol=1e-5)


def test_smoothgrad_noise_is_seeded_per_sample(tiny_convnet):
    att = _build(dict(type='SmoothGrad', samples=4, internal_batch_size=3), tiny_convnet)
    x = torch.randn(3, 3, 16, 16)
    a = att.attribute(x, torch.tensor([0, 1, 2]), seeds=[5, 6, 7]).input_masks
    b = att.attribute(x[2:], torch.tensor([2]), seeds=[7]).input_masks
    torch.testing.assert_close(a[2], b[0])
    c = att.attribute(x[2:], torch.tensor([2]), seeds=[8]).input_masks
    assert not torch.allclose(b, c)


@pytest.mark.parametrize('kind', ['mean', 'black', 'blur'])
def test_gradient_shap_on_a_linear_model(linear_case, kind):
    model, x = linear_case
    w = model.weight.detach()
    base = dict(mean=torch.zeros_like(x), black=torch.full_like(x, -1.0),
                blur=smooth2d(x, 2.0))[kind]  # black: (0 - 0.5) / 0.5
    got = _masks(dict(type='GradientShap', baselines=(kind, ), samples=7,
                      blur_sigma=2.0, reduction='sum'), model, x, [0, 0])
    torch.testing.assert_close(got, ((x - base) * w).mean(1), atol=1e-5, rtol=1e-5)


def test_integrated_gradients_and_occlusion_from_a_blurred_image(linear_case):
    model, x = linear_case
    w = model.weight.detach()
    ig = _masks(dict(type='IntegratedGradients', steps=4, baseline='blur',
                     blur_sigma=2.0, reduction='sum'), model, x, [0, 0])
    torch.testing.assert_close(ig, ((x - smooth2d(x, 2.0)) * w).mean(1),
                               atol=1e-5, rtol=1e-5)
    # a constant image is its own blur: occluding a patch changes nothing
    flat = torch.full((1, 3, 8, 8), 0.3)
    occ = _masks(dict(type='Occlusion', window=4, stride=4, baseline='blur',
                      blur_sigma=1.0), model, flat, [0])
    torch.testing.assert_close(occ, torch.zeros(1, 8, 8), atol=1e-5, rtol=0)


class TwoLayerNet(nn.Module):
    """``f(x) = v . relu(W x)`` on flattened 1x1x2 inputs (class 0; class 1
    is ``-f``)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.out = nn.Linear(3, 1, bias=False)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor([[1., 2.], [-1., 1.], [2., -3.]]))
            self.out.weight.copy_(torch.tensor([[1., -2., 0.5]]))

    def forward(self, x):
        f = self.out(self.relu(self.fc(x.flatten(1))))
        return torch.cat([f, -f], 1)


def test_guided_backprop_by_hand():
    x = torch.tensor([[[[1.0, 1.0]]]])  # W x = [3, 0, -1]: only unit 0 is active
    # guided: units with z > 0 and a positive incoming gradient (v_0 = 1)
    # pass it back: grad = W_0 * 1 = [1, 2]
    got = _masks(dict(type='GuidedBackprop', reduction='sum'), TwoLayerNet(), x, [0])
    torch.testing.assert_close(got, torch.tensor([[[1.0, 2.0]]]))
    x = torch.tensor([[[[0.0, 1.0]]]])  # W x = [2, 1, -3]: units 0, 1 active
    # plain gradient [1, 2] - 2 [-1, 1] = [3, 0]; guided drops unit 1 (v = -2)
    got = _masks(dict(type='GuidedBackprop', reduction='sum'), TwoLayerNet(), x, [0])
    torch.testing.assert_close(got, torch.tensor([[[1.0, 2.0]]]))


def test_deeplift_rescale_rule_by_hand():
    net = TwoLayerNet()
    x = torch.tensor([[[[1.0, 1.0]]]])
    w = net.fc.weight.detach()
    v = net.out.weight.detach()[0]

    def deeplift(b):  # multipliers (relu(z) - relu(z0)) / (z - z0)
        z, z0 = w @ x.flatten(), w @ b.flatten()
        m = torch.where(z != z0, (z.relu() - z0.relu()) / (z - z0), (z > 0).float())
        return ((x.flatten() - b.flatten()) * (w.T @ (m * v))).view(1, 1, 2)

    b1 = torch.tensor([[[[-1.0, 2.0]]]])
    got = _masks(dict(type='DeepLift', baselines=(b1, ), reduction='sum'), net, x, [0])
    torch.testing.assert_close(got, deeplift(b1))
    f = lambda t: net(t)[0, 0]  # noqa: E731
    assert got.sum() == pytest.approx(float(f(x) - f(b1)), abs=1e-5)  # summation
    shap = _masks(dict(type='DeepLiftShap', baselines=(b1, 0.0), reduction='sum'),
                  net, x, [0])
    torch.testing.assert_close(shap, (deeplift(b1) + deeplift(torch.zeros_like(x))) / 2)



class ReLU6Pixels(nn.Module):
    """``f(x) = v . relu6(2 x)`` over the 4 pixels of a 1x1x4 image, through
    a 1x1 convolution (class 0; class 1 is ``-f``)."""

    def __init__(self, act=nn.ReLU6):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 1, bias=False)
        self.act = act()
        self.out = nn.Linear(4, 1, bias=False)
        with torch.no_grad():
            self.conv.weight.fill_(2.0)
            self.out.weight.copy_(torch.tensor([[1., 3., -1., 2.]]))

    def forward(self, x):
        f = self.out(self.act(self.conv(x)).flatten(1))
        return torch.cat([f, -f], 1)


# z = 2 x = [-2, 2, 4, 8]: below, inside (twice), above the ReLU6's range
PIXELS = torch.tensor([[[[-1.0, 1.0, 2.0, 4.0]]]])


def test_clamps_as_relus_keeps_the_logits_and_the_model():
    from input_iba.models.attributors._utils.module_forward import (
        GuidedClamp,
        RescaledClamp,
        clamps_as_relus,
    )
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU6(), nn.Conv2d(8, 4, 3),
                          nn.Hardtanh(0.0, 2.0), nn.Flatten())
    x = torch.randn(2, 3, 9, 9) * 10  # every unit region, both kinks
    for composition in (GuidedClamp, RescaledClamp):
        copy = clamps_as_relus(model, composition)
        assert torch.equal(copy(x), model(x))
        assert sum(isinstance(m, nn.ReLU) for m in copy.modules()) in (2, 4)
    assert isinstance(model[1], nn.ReLU6)  # the original is untouched
    plain = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    assert clamps_as_relus(plain, GuidedClamp) is plain  # nothing to copy


def test_guided_backprop_guides_relu6_by_hand():
    # gradient at the ReLU6 output v = [1, 3, -1, 2]; plain: 2 v inside the
    # range = [0, 6, -2, 0]; guided: only the positive v inside: [0, 6, 0, 0]
    # (relu(z) - relu(z - 6) would pass pixel 3's gradient: [0, 6, 0, 4])
    got = _masks(dict(type='GuidedBackprop', reduction='sum'), ReLU6Pixels(), PIXELS, [0])
    torch.testing.assert_close(got, torch.tensor([[[0.0, 6.0, 0.0, 0.0]]]))
    sal = _masks(dict(type='Saliency'), ReLU6Pixels(), PIXELS, [0])  # absolute
    torch.testing.assert_close(sal, torch.tensor([[[0.0, 6.0, 2.0, 0.0]]]))
    assert not torch.equal(_masks(dict(type='GuidedBackprop'), ReLU6Pixels(), PIXELS, [0]), sal)
    # a Hardtanh(-1, 1) is guided inside (-1, 1): at x / 4, z = [-0.5, 0.5, 1,
    # 2]; the unit at the kink passes nothing, as with Hardtanh's own gradient
    tanh = ReLU6Pixels(lambda: nn.Hardtanh(-1.0, 1.0))
    got = _masks(dict(type='GuidedBackprop', reduction='sum'), tanh, PIXELS / 4, [0])
    torch.testing.assert_close(got, torch.tensor([[[2.0, 6.0, 0.0, 0.0]]]))


def test_guided_grad_cam_guides_relu6():
    net = ReLU6Pixels()
    got = _masks(dict(type='GuidedGradCAM', layer='conv', reduction='sum'), net, PIXELS, [0])
    cam = _masks(dict(type='GradCAM', layer='conv'), net, PIXELS, [0])
    torch.testing.assert_close(got, cam * torch.tensor([[[0.0, 6.0, 0.0, 0.0]]]))


@pytest.mark.parametrize('baseline, want', [
    # zero baseline: multipliers relu6(z) / z = [0, 1, 1, 6/8], attribution
    # x * 2 * m * v = [0, 6, -4, 12] (Input x Gradient: [0, 6, -4, 0])
    (0.0, [0.0, 6.0, -4.0, 12.0]),
    # 0.5 (z0 = 1, relu6 = 1): m = [1/3, 1, 1, 5/7] across both kinks,
    # (x - 0.5) * 2 * m * v = [-1, 3, -3, 10]
    (0.5, [-1.0, 3.0, -3.0, 10.0])])
def test_deeplift_rescales_relu6_by_hand(baseline, want):
    net = ReLU6Pixels()
    got = _masks(dict(type='DeepLift', baselines=(baseline, ), reduction='sum'),
                 net, PIXELS, [0])
    torch.testing.assert_close(got, torch.tensor([[want]]))
    f = lambda t: net(t)[0, 0]  # noqa: E731
    assert got.sum() == pytest.approx(float(f(PIXELS) - f(torch.full_like(PIXELS, baseline))))
    shap = _masks(dict(type='DeepLiftShap', baselines=(baseline, ), reduction='sum'),
                  net, PIXELS, [0])
    torch.testing.assert_close(shap, got)

# ----- perturbations ---------------------------------------------------------------
class PatchReader(nn.Module):
    """Class 1's logit is 4 times the mean of channel 0 over rows 4..7,
    cols 8..11."""

    def forward(self, x):
        s = x[:, 0, 4:8, 8:12].mean((1, 2)) * 4.0
        return torch.stack([-s, s], 1)


def test_feature_ablation_by_hand():
    x = torch.ones(1, 3, 16, 16)
    mask = _masks(dict(type='FeatureAblation', cell=4), PatchReader(), x, [1])[0]
    want = torch.zeros(16, 16)
    want[4:8, 8:12] = 4.0  # removing the read cell drops the logit by 4
    torch.testing.assert_close(mask, want)


def test_shapley_sampling_recovers_a_linear_model_exactly(linear_case):
    # every order gives a cell of a linear model the same marginal
    # contribution: the sum of x * w over its pixels and channels (baseline 0)
    model, x = linear_case
    cells = (x * model.weight.detach()).sum(1).view(2, 2, 4, 2, 4).sum((2, 4))
    want = cells.repeat_interleave(4, 1).repeat_interleave(4, 2)
    got = _masks(dict(type='ShapleyValueSampling', cell=4, n_samples=3), model, x,
                 [0, 0], seeds=[1, 2])
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)


class PairProduct(nn.Module):
    """Class 0's logit is the product of channel 0's means over the left and
    the right half of the image."""

    def forward(self, x):
        left, right = x[:, 0, :, :4].mean((1, 2)), x[:, 0, :, 4:].mean((1, 2))
        return torch.stack([left * right, -left * right], 1)


def test_shapley_sampling_of_an_interaction_by_hand():
    # two 4 x 4 cells, f = a * b with a = 2, b = 3 and baseline 0: in either order
    # one cell adds 0 and the other 6, so each cell's Shapley value is 3;
    # the values add up to f(x) - f(0) = 6 for any number of orders
    x = torch.zeros(1, 3, 4, 8)
    x[:, 0, :, :4], x[:, 0, :, 4:] = 2.0, 3.0
    got = _masks(dict(type='ShapleyValueSampling', cell=4, n_samples=40), PairProduct(),
                 x, [0], seeds=[7])[0]
    assert float(got[0, 0] + got[0, 4]) == pytest.approx(6.0)
    # 40 random orders: each value is 6 * (share of orders with it second)
    share = float(got[0, 0]) / 6.0
    assert abs(share - 0.5) < 0.25 and float(got[:, :4].std()) == 0.0


def test_shapley_sampling_converges_to_captums_exact_values(tiny_convnet):
    # 4 cells of a nonlinear convnet: Captum's ShapleyValues averages over
    # all 24 orders; 3,000 random orders are within 2% of it (20 orders: 3%)
    from captum.attr import ShapleyValues
    x = torch.randn(1, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    ids = (torch.arange(16)[:, None] // 8 * 2 + torch.arange(16)[None] // 8).expand(1, 3, 16, 16)
    exact = ShapleyValues(tiny_convnet).attribute(x, target=2, feature_mask=ids.contiguous())[0, 0]
    got = _masks(dict(type='ShapleyValueSampling', cell=8, n_samples=3000,
                      internal_batch_size=4000), tiny_convnet, x, [2], seeds=[3])[0]
    scale = float(exact.abs().max())
    assert float((got - exact).abs().max()) < 0.02 * scale


@pytest.mark.parametrize('cfg', [dict(type='KernelShap', samples=40),
                                 dict(type='Lime', samples=40, ridge=0.0)])
def test_surrogates_recover_a_linear_model_exactly(linear_case, cfg):
    model, x = linear_case
    contrib = (x * model.weight.detach()).sum(1)  # (B, 8, 8), baseline 0
    cells = contrib.view(2, 2, 4, 2, 4).sum((2, 4))  # 4x4-pixel cells
    res = _build(dict(cfg, cell=4), model).attribute(x, torch.tensor([0, 0]),
                                                     seeds=[1, 2])
    torch.testing.assert_close(res.extras['feature_attributions'],
                               cells.flatten(1), atol=1e-4, rtol=1e-4)
    want = cells.repeat_interleave(4, 1).repeat_interleave(4, 2)
    torch.testing.assert_close(res.input_masks, want, atol=1e-4, rtol=1e-4)


def test_kernel_shap_coalitions_follow_the_shapley_kernel():
    att = _build(dict(type='KernelShap', samples=20000), PatchReader())
    z, weights = att.coalitions(torch.Generator().manual_seed(0), 4, 'cpu')
    assert z[0].sum() == 0 and z[1].sum() == 4 and weights[:2].min() == 1e6
    sizes = z[2:].sum(1)
    # kernel 3 / (s (4 - s)) over s = 1, 2, 3: 1, 3/4, 1 -> shares 4/11, 3/11, 4/11
    for s, share in [(1, 4 / 11), (2, 3 / 11), (3, 4 / 11)]:
        assert (sizes == s).float().mean().item() == pytest.approx(share, abs=0.01)


class PatchProbability(nn.Module):
    """Softmax probability of class 0 = the mean of channel 0 over rows
    0..3, cols 0..3 (clamped into (0, 1))."""

    def forward(self, x):
        s = x[:, 0, :4, :4].mean((1, 2)).clamp(1e-4, 1 - 1e-4)
        return torch.stack([s.log(), (1 - s).log()], 1)


def test_rise_by_hand():
    att = _build(dict(type='RISE', num_masks=300, grid=4, internal_batch_size=64),
                 PatchProbability())
    x = torch.ones(1, 3, 16, 16)
    mask = att.attribute(x, torch.tensor([0]), seeds=[3]).input_masks[0]
    cells, shifts = att.draw(torch.Generator().manual_seed(3), 'cpu')
    m = att.masks(cells, shifts, (16, 16))
    p = m[:, :4, :4].mean((1, 2))  # p_0 of the masked image (baseline 0)
    torch.testing.assert_close(mask, (p[:, None, None] * m).sum(0) / (300 * 0.5),
                               atol=1e-4, rtol=1e-4)
    assert mask[:4, :4].mean() > mask[8:, 8:].mean() + 0.05
    # the masks: values in [0, 1], a quarter-cell of shift at most moves them
    assert m.min() >= 0 and m.max() <= 1 and m.mean().item() == pytest.approx(0.5, abs=0.05)


# ----- CAMs ------------------------------------------------------------------------
class MeanHead(nn.Module):
    """Class 0's logit is ``v`` times the mean of ``features`` (the input)."""

    def __init__(self, v=4.0):
        super().__init__()
        self.features = nn.Identity()
        self.v = v

    def forward(self, x):
        s = self.v * self.features(x).mean((1, 2, 3))
        return torch.stack([s, torch.zeros_like(s)], 1)


@pytest.mark.parametrize('name', ['GradCAM', 'GradCAMPlusPlus', 'LayerCAM', 'ScoreCAM'])
def test_cams_by_hand(name):
    a = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # A = x; dA = v / 4 = 1
    # Grad-CAM: mean gradient 1. Grad-CAM++: alpha = 1 / (2 + sum A) = 1/12,
    # w = 4 alpha = 1/3. Layer-CAM: relu(1) * A. Score-CAM: H = (A - 1) / 3,
    # logit 4 mean(A H) = 20/3, weight sigmoid(20/3) - p(0) = sigmoid(20/3) - 1/2
    scale = dict(GradCAM=1.0, GradCAMPlusPlus=1 / 3, LayerCAM=1.0,
                 ScoreCAM=1 / (1 + math.exp(-20 / 3)) - 0.5)[name]
    got = _masks(dict(type=name, layer='features'), MeanHead(), a, [0])
    torch.testing.assert_close(got, scale * a[:, 0])
    # explaining the constant class: zero gradients and zero gains, empty maps
    got = _masks(dict(type=name, layer='features'), MeanHead(), a, [1])
    torch.testing.assert_close(got, torch.zeros(1, 2, 2))



class ThreeChannels(nn.Module):
    """Class 0's logit is ``v . mean(relu(w x))`` over a 2x2 grey image: a
    1x1 convolution to three channels (``w``), an ``nn.ReLU`` named ``relu``
    and average pooling; class 1 is constant."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 1, bias=False)
        self.relu = nn.ReLU()
        self.v = torch.tensor([1.0, 2.0, -0.25])
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor([1.0, -1.0, 2.0]).view(3, 1, 1, 1))

    def forward(self, x):
        s = self.relu(self.conv(x)).mean((2, 3)) @ self.v
        return torch.stack([s, torch.zeros_like(s)], 1)


def test_guided_grad_cam_by_hand():
    x = torch.tensor([[[[1.0, -2.0], [3.0, 0.5]]]])
    # A = relu([x, -x, 2x]), dA_k = v_k / 4: Grad-CAM = relu(A_0 / 4 + A_1 / 2
    # - A_2 / 16) = [[1/8, 1], [3/8, 1/16]]. Guided gradient: where x > 0
    # channels 0 and 2 are active, channel 2's negative gradient is dropped:
    # w_0 v_0 / 4 = 1/4; where x < 0 channel 1 is: w_1 v_1 / 4 = -1/2
    cam = torch.tensor([[[1 / 8, 1.0], [3 / 8, 1 / 16]]])
    guided = torch.tensor([[[0.25, -0.5], [0.25, 0.25]]])
    got = _masks(dict(type='GuidedGradCAM', layer='relu', reduction='sum'),
                 ThreeChannels(), x, [0])
    torch.testing.assert_close(got, cam * guided)
    got = _masks(dict(type='GuidedGradCAM', layer='relu'), ThreeChannels(), x, [0])
    torch.testing.assert_close(got, cam * guided.abs())


def test_guided_grad_cam_is_guided_backprop_times_grad_cam(tiny_convnet):
    x, targets = torch.randn(2, 3, 16, 16), [1, 3]
    got = _masks(dict(type='GuidedGradCAM', layer='features.2'), tiny_convnet, x, targets)
    guided = _masks(dict(type='GuidedBackprop'), tiny_convnet, x, targets)
    cam = _masks(dict(type='GradCAM', layer='features.2'), tiny_convnet, x, targets)
    assert cam.shape == (2, 16, 16) and (cam > 0).any()  # upsampled from 8 x 8
    torch.testing.assert_close(got, guided * cam)

@pytest.mark.parametrize('name', ['RISE', 'ScoreCAM', 'LayerCAM'])
def test_image_methods_refuse_text(name):
    from test_baselines import EmbeddingDot
    cfg = dict(type=name, adapter=dict(type='TokenEmbeddingAdapter'))
    if name != 'RISE':
        cfg['layer'] = 'emb'
    with pytest.raises(ValueError, match='not an image adapter'):
        _build(cfg, EmbeddingDot(torch.randn(6, 3), torch.randn(3)))
