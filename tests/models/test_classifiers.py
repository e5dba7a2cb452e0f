import pytest
import torch

from input_iba.registry import MODELS


def test_torchvision_model_refuses_to_download():
    with pytest.raises(ValueError, match='checkpoint'):
        MODELS.build(dict(type='TorchvisionClassifier', arch='resnet18'))


def test_torchvision_model_loads_a_local_checkpoint(tmp_path):
    model = MODELS.build(dict(type='TorchvisionClassifier', arch='resnet18',
                              random_init=True, num_classes=3))
    path = tmp_path / 'w.pth'
    torch.save(model.state_dict(), path)
    back = MODELS.build(dict(type='TorchvisionClassifier', arch='resnet18',
                             checkpoint=str(path), num_classes=3))
    for a, b in zip(model.state_dict().values(), back.state_dict().values()):
        assert torch.equal(a, b)
    with pytest.raises(FileNotFoundError, match='never'):
        MODELS.build(dict(type='TorchvisionClassifier', arch='resnet18',
                          checkpoint=str(tmp_path / 'missing.pth')))


def test_timm_model_random_init():
    model = MODELS.build(dict(type='TimmClassifier', arch='resnet18',
                              random_init=True, num_classes=5)).eval()
    assert model(torch.randn(1, 3, 32, 32)).shape == (1, 5)


def test_efficientnet_lite0_classifies_a_real_photo():
    import skimage.data

    from input_iba.datasets import ResizeNormalize
    model = MODELS.build(dict(type='EfficientNetLite0')).eval()
    x, _, _ = ResizeNormalize()(skimage.data.coffee())
    with torch.no_grad():
        probs = model(x[None]).softmax(1)[0]
    assert probs.argmax().item() == 967  # espresso
    assert probs[967] > 0.8
