"""Clamp activations with a ramp gradient: exact forward, hand-computed
backward, and the model copy that InputIBA uses."""
import math

import pytest
import torch
import torch.nn as nn

from input_iba.models.folding import fold_batchnorm
from input_iba.models.hooks import network_after
from input_iba.models.smooth_gradients import ClampWithRampGradient, smooth_activation_gradients


def test_relu6_forward_exact_and_ramp_gradient_by_hand():
    x = torch.tensor([-1.0, -0.25, 0.0, 0.25, 3.0, 5.75, 6.0, 7.0],
                     requires_grad=True)
    y = ClampWithRampGradient(0.0, 6.0, width=0.5)(x)
    assert torch.equal(y, torch.clamp(x.detach(), 0, 6))
    y.sum().backward()
    # slope = clamp(0.5 + min(x, 6 - x) / (2 * 0.5), 0, 1)
    assert x.grad.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0, 0.75, 0.5, 0.0]


def test_relu_gradient_is_continuous_at_the_kink():
    exact, smooth = nn.ReLU(), ClampWithRampGradient(width=0.5)
    grads = {}
    for name, act in (('exact', exact), ('smooth', smooth)):
        x = torch.tensor([-1e-7, 1e-7], dtype=torch.float64, requires_grad=True)
        act(x).sum().backward()
        grads[name] = x.grad
    assert grads['exact'].tolist() == [0.0, 1.0]           # a jump of 1
    assert grads['smooth'][1] - grads['smooth'][0] == pytest.approx(2e-7)


def test_width_must_be_positive():
    with pytest.raises(ValueError, match='width must be > 0'):
        ClampWithRampGradient(width=0)
    with pytest.raises(ValueError, match='at most half'):
        ClampWithRampGradient(0.0, 6.0, width=4)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU6(inplace=True)
        self.block = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.block(self.act(self.bn(self.conv(x)))).mean((2, 3)))


def test_model_copy_replaces_clamps_keeps_logits_and_the_original():
    torch.manual_seed(0)
    net = Net().eval()
    smooth = smooth_activation_gradients(net, 0.5)
    assert sum(isinstance(m, ClampWithRampGradient) for m in smooth.modules()) == 2
    assert isinstance(net.act, nn.ReLU6)                    # original unchanged
    assert (smooth.act.low, smooth.act.high) == (0.0, 6.0)
    assert math.isinf(smooth.block[1].high)
    x = torch.randn(2, 3, 8, 8)
    assert torch.equal(net(x), smooth(x))


def test_custom_gradient_survives_folding_and_the_suffix_trace():
    torch.manual_seed(0)
    smooth = smooth_activation_gradients(Net().eval(), 0.5)
    folded = fold_batchnorm(smooth)
    suffix = network_after(folded, 'act')
    kinds = {type(m).__name__ for m in (folded, suffix) for m in m.modules()}
    assert 'ClampWithRampGradient' in kinds and 'ReLU' not in kinds
