"""Batch norm folding: the same function, hand-checked on one channel."""
import pytest
import timm
import torch
import torch.nn as nn

from input_iba.models.adapters import ImageAdapter
from input_iba.models.attributors import Saliency
from input_iba.models.folding import fold_batchnorm


def _bn(num, mean, var, weight, bias, eps=1e-5):
    bn = nn.BatchNorm2d(num, eps=eps)
    bn.running_mean.fill_(mean)
    bn.running_var.fill_(var)
    bn.weight.data.fill_(weight)
    bn.bias.data.fill_(bias)
    return bn.eval()


def test_one_channel_by_hand():
    conv = nn.Conv2d(1, 1, 1, bias=True)
    conv.weight.data.fill_(2.0)
    conv.bias.data.fill_(1.0)
    model = nn.Sequential(conv, _bn(1, mean=3.0, var=4.0, weight=0.5, bias=-1.0,
                                    eps=0.0)).eval()
    folded = fold_batchnorm(model)
    # (2x + 1 - 3) / 2 * 0.5 - 1 = 0.5 x - 1.5
    assert folded[0].weight.item() == pytest.approx(0.5)
    assert folded[0].bias.item() == pytest.approx(-1.5)
    assert isinstance(folded[1], nn.Identity)
    x = torch.tensor([[[[4.0]]]])
    assert folded(x).item() == pytest.approx(0.5)
    # the original is untouched
    assert isinstance(model[1], nn.BatchNorm2d) and conv.weight.item() == 2.0


def test_timm_efficientnet_same_logits_and_layer_names():
    torch.manual_seed(0)
    model = timm.create_model('efficientnet_lite0', pretrained=False,
                              num_classes=10).eval()
    for m in model.modules():  # non-trivial statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    folded = fold_batchnorm(model)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
    names = {n for n, _ in folded.named_modules()}
    assert {'blocks.2', 'bn2', 'conv_head'} <= names
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        ref, out = model(x), folded(x)
    assert torch.allclose(out, ref, rtol=1e-4, atol=1e-4 * ref.abs().max())


def test_shared_or_training_norms_are_left_alone():
    conv = nn.Conv2d(3, 3, 1)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = conv, _bn(3, 1.0, 2.0, 1.5, 0.1)

        def forward(self, x):  # the conv's output is used twice
            y = self.conv(x)
            return self.bn(y) + y

    folded = fold_batchnorm(Twice().eval())
    assert isinstance(folded.bn, nn.BatchNorm2d)
    training = nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3)).train()
    assert isinstance(fold_batchnorm(training)[1], nn.BatchNorm2d)


def test_untraceable_model_gets_a_clear_error():
    class Branchy(nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    with pytest.raises(ValueError, match='fold_batchnorm=False'):
        fold_batchnorm(Branchy())


def test_adapter_option_folds_the_attributor_copy_only():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), _bn(4, 0.2, 1.5, 2.0, 0.3),
                          nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(4, 2)).eval()
    x = torch.randn(3, 3, 8, 8)
    plain = Saliency(model, adapter=ImageAdapter())
    fast = Saliency(model, adapter=ImageAdapter(fold_batchnorm=True))
    assert isinstance(model[1], nn.BatchNorm2d)
    assert isinstance(fast.model[1], nn.Identity)
    targets = torch.tensor([0, 1, 0])
    a = plain.attribute(x, targets).input_masks
    b = fast.attribute(x, targets).input_masks
    assert torch.allclose(a, b, rtol=1e-4, atol=1e-6)
