"""The network after a layer as its own module: exact, and refused where a
skip connection crosses the layer."""
import torch
import torch.nn as nn

from input_iba.models.attributors import IBA
from input_iba.models.hooks import get_layer, network_after, run_until


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
