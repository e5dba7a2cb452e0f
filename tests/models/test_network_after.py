"""The network after a layer as its own module: exact, and refused where a
skip connection crosses the layer; a layer bypassed by a constant: skipped
and restored (the feature stage it speeds up: tests/models/test_text_models.py)."""
import torch
import torch.nn as nn

from input_iba.models.attributors import IBA
from input_iba.models.hooks import bypass, get_layer, network_after, returns_tensor, run_until


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Conv2d(3, 3, 3, padding=1)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(3, 2))

    def forward(self, x):
        return self.head(self.inner(x) + x)


def test_suffix_reproduces_the_logits(tiny_convnet):
    x = torch.randn(4, 3, 16, 16)
    suffix = network_after(tiny_convnet, 'features.2')
    with torch.no_grad():
        r = run_until(tiny_convnet, get_layer(tiny_convnet, 'features.2'),
                      lambda: tiny_convnet(x))
        assert torch.equal(suffix(r), tiny_convnet(x))
    assert network_after(tiny_convnet, 'features') is not None
    # the suffix runs on more rows than the input had (k noisy copies)
    assert suffix(r.repeat(3, 1, 1, 1)).shape == (12, 4)


def test_no_suffix_across_a_skip_connection():
    model = Residual().eval()
    assert network_after(model, 'inner') is None
    assert network_after(model, 'missing') is None


def test_feature_stage_is_identical_with_and_without_the_suffix(tiny_convnet):
    x, t = torch.randn(2, 3, 16, 16), torch.tensor([1, 3])
    masks = []
    for use_suffix in (True, False):
        att = IBA(tiny_convnet, 'features.2', steps=4, copies=3)
        torch.manual_seed(0)
        att.estimate([dict(inputs=torch.randn(16, 3, 16, 16))], 16, progress=False)
        if not use_suffix:
            att._suffix = False
        masks.append(att.attribute(x, t, seeds=[4, 5]).input_masks)
        assert bool(att._suffix) == use_suffix
    assert torch.allclose(masks[0], masks[1], atol=1e-6, rtol=1e-5)


class Counting(nn.Linear):
    calls = 0

    def forward(self, x):
        Counting.calls += 1
        return super().forward(x)


def test_bypass_skips_the_layer_and_restores_it():
    model = nn.Sequential(Counting(3, 3), nn.ReLU(), nn.Linear(3, 1))
    x, z = torch.randn(2, 3), torch.randn(2, 3)
    with bypass(model[0], z):
        out = model(x)
    assert Counting.calls == 0
    assert torch.equal(out, model[2](model[1](z)))
    assert 'forward' not in model[0].__dict__
    assert torch.equal(model(x), model[2](model[1](model[0](x)))) and Counting.calls == 2
    assert returns_tensor(model, model[0], lambda: model(x))
    lstm = nn.LSTM(3, 4, batch_first=True)
    assert not returns_tensor(lstm, lstm, lambda: lstm(x[None]))  # (output, (h, c))

