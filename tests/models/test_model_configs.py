"""The VGG16, ResNet50, ViT-B/16 and DeiT-S configs build their models (random
weights; nothing downloaded) and their attributors run on them."""
import pytest
import torch
from mmengine.config import Config

from input_iba.models.hooks import get_layer
from input_iba.registry import ATTRIBUTORS, MODELS


def _model(cfg):
    torch.manual_seed(0)
    return MODELS.build(dict(cfg.model, random_init=True)).eval()


@pytest.mark.parametrize('path, layer, size', [
    ('configs/input_iba/vgg16_imagenet.py', 'features.17', 64),
    ('configs/input_iba/resnet50_imagenet.py', 'layer2', 64)])
def test_cnn_configs_run_with_random_weights(path, layer, size):
    cfg = Config.fromfile(path)
    assert cfg.attributor.layer == layer
    model = _model(cfg)
    x = torch.randn(2, 3, size, size)
    att = ATTRIBUTORS.build(dict(type='IBA', layer=cfg.attributor.layer, model=model,
                                 steps=1, copies=1))
    att.estimate([dict(inputs=x)], 2, progress=False)
    masks = att.attribute(x[:1], torch.tensor([7])).input_masks
    assert masks.shape == (1, size, size) and torch.isfinite(masks).all()


@pytest.mark.parametrize('name', ['vit_b16', 'deit_s'])
def test_transformer_configs_name_their_token_layers(name):
    cfgs = {m: Config.fromfile(f'configs/transformers/{m}_{name}_imagenet.py')
            for m in ('gradcam', 'iba', 'input_iba', 'marc')}
    model = _model(cfgs['gradcam'])
    assert cfgs['input_iba'].attributor.type == 'InputIBA'
    assert cfgs['marc'].attributor.area_weight == 0.25
    for cfg in cfgs.values():
        assert cfg.attributor.adapter.type == 'TokenImageAdapter'
        assert cfg.attributor.adapter.prefix_tokens == model.num_prefix_tokens
        if 'layer' in cfg.attributor:
            get_layer(model, cfg.attributor.layer)
    # Grad-CAM of the config on one 224x224 image: a 14x14 grid made smooth
    att = ATTRIBUTORS.build(dict(cfgs['gradcam'].attributor, model=model))
    masks = att.attribute(torch.randn(1, 3, 224, 224), torch.tensor([1])).input_masks
    assert masks.shape == (1, 224, 224) and torch.isfinite(masks).all()
