import math

import numpy as np
import pytest
import torch

from input_iba.models.bottlenecks import (
    feature_kl,
    gaussian_kernel1d,
    gaussian_kl,
    input_kl,
    masked_mean,
    mix,
    smooth2d,
)


def test_gaussian_kl_hand_value():
    # KL(N(1, 0.25) || N(0, 1)) = -0.5 (1 + ln 0.25 - 1 - 0.25) = 0.818147...
    val = gaussian_kl(torch.tensor(1.0), torch.tensor(0.25))
    assert val.item() == pytest.approx(-0.5 * (math.log(0.25) - 0.25), abs=1e-6)
    assert val.item() == pytest.approx(0.8181472, abs=1e-6)


def test_feature_kl_hand_value():
    # r = 3, mean 1, std 2 -> r_norm = 1; lam = 0.5 -> mu = 0.5, var = 0.25
    kl = feature_kl(torch.tensor(3.0), torch.tensor(0.5), 1.0, 2.0)
    expected = -0.5 * (1 + math.log(0.25) - 0.25 - 0.25)
    assert kl.item() == pytest.approx(expected, abs=1e-6)


def test_feature_kl_zero_when_mask_closed():
    kl = feature_kl(torch.randn(10), torch.zeros(10), 0.0, 1.0)
    assert torch.allclose(kl, torch.zeros(10), atol=1e-7)


def test_input_kl_reduces_to_feature_kl_without_prior():
    x, lam = torch.randn(50), torch.rand(50) * 0.98
    assert torch.allclose(input_kl(x, lam, torch.zeros(50)),
                          feature_kl(x, lam, 0.0, 1.0), atol=1e-6)


def test_input_kl_hand_value_with_prior():
    # x=2, lam=0.5, lam_G=0.5: denom 0.75, r = 0.5*2/0.75 = 4/3, mu = 2/3,
    # var = 0.25/0.5625 = 4/9
    kl = input_kl(torch.tensor(2.0), torch.tensor(0.5), torch.tensor(0.5))
    mu, var = 2 / 3, 4 / 9
    assert kl.item() == pytest.approx(-0.5 * (1 + math.log(var) - mu**2 - var),
                                      abs=1e-6)


def test_bottleneck_at_lambda_one_returns_r_and_at_zero_the_noise():
    r, noise = torch.randn(2, 3, 4, 4), torch.randn(2, 3, 4, 4)
    assert torch.equal(mix(r, torch.ones_like(r), noise), r)
    assert torch.equal(mix(r, torch.zeros_like(r), noise), noise)


def test_masked_mean_ignores_weight_zero():
    values = torch.tensor([[1.0, 2.0, 100.0], [4.0, 5.0, 6.0]])
    weight = torch.tensor([[1, 1, 0], [1, 1, 1]])
    assert masked_mean(values, weight).tolist() == pytest.approx([1.5, 5.0])


def test_smoothing_matches_2d_gaussian_and_keeps_constants():
    k = gaussian_kernel1d(1.0)
    assert k.numel() == 5 and k.sum().item() == pytest.approx(1.0)
    x = torch.zeros(1, 1, 9, 9)
    x[0, 0, 4, 4] = 1
    y = smooth2d(x, 1.0)[0, 0]
    outer = torch.outer(k, k)
    assert torch.allclose(y[2:7, 2:7], outer, atol=1e-6)
    const = torch.full((2, 3, 8, 8), 0.7)
    assert torch.allclose(smooth2d(const, 1.0), const, atol=1e-6)
    np.testing.assert_allclose(k.numpy(), np.exp(-np.arange(-2, 3)**2 / 2) /
                               np.exp(-np.arange(-2, 3)**2 / 2).sum(), rtol=1e-6)
