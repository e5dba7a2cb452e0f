"""Token layers: Grad-CAM, IBA, InputIBA and MaRC on small randomly
initialised timm vision transformers (no weights), through TokenImageAdapter."""
import math

import pytest
import torch
import torch.nn.functional as F

from input_iba.models.adapters import ImageAdapter, TokenImageAdapter
from input_iba.registry import ATTRIBUTORS

timm = pytest.importorskip('timm')

TOKENS = dict(type='TokenImageAdapter')  # ViT: one class token


@pytest.fixture(scope='module')
def vit():
    torch.manual_seed(0)  # 32x32 images, 8-pixel patches: a 4x4 grid + [CLS]
    return timm.create_model('vit_tiny_patch16_224', pretrained=False, img_size=32,
                             patch_size=8, depth=2, embed_dim=32, num_heads=2,
                             num_classes=5).eval()


@pytest.fixture(scope='module')
def swin():
    torch.manual_seed(0)  # stage outputs (B, h, w, C): 16x16x16, then 8x8x32
    return timm.create_model('swin_tiny_patch4_window7_224', pretrained=False,
                             img_size=32, patch_size=2, window_size=4, depths=(1, 1),
                             num_heads=(1, 2), embed_dim=16, num_classes=5).eval()


def _images(n=2, seed=1):
    return torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(seed))


def test_token_grid_round_trip_and_capacity_in_bits():
    adapter = TokenImageAdapter(prefix_tokens=2)
    r = torch.randn(3, 2 + 12, 5)
    with pytest.raises(ValueError, match='not a square grid'):
        adapter.feature_grid(r)
    adapter = TokenImageAdapter(prefix_tokens=2, grid=(3, 4))
    grid = adapter.feature_grid(r)
    assert grid.shape == (3, 5, 3, 4)
    assert torch.equal(grid[1, :, 2, 1], r[1, 2 + 2 * 4 + 1])  # token of cell (2, 1)
    assert torch.equal(adapter._from_grid(grid, r), r)
    # 1 nat per element of every patch token, D = 5: 5 / ln 2 bits per cell,
    # spread over its 4x4 pixels of a 12x16 image; prefix tokens count nothing
    cap = torch.ones(1, 14, 5)
    cap[:, :2] = 100.0
    x = torch.zeros(1, 3, 12, 16)
    pos = adapter.capacity_to_positions(cap, x)
    torch.testing.assert_close(pos, torch.full((1, 12, 16), 5 / math.log(2) / 16))
    # smoothing leaves the prefix tokens and a constant grid as they are
    lam = torch.rand(1, 14, 5)
    lam[:, 2:] = 0.3
    torch.testing.assert_close(adapter.smooth_feature(lam, 1.0), lam)


def test_nhwc_layout_and_clear_errors():
    adapter = TokenImageAdapter(layout='nhwc')
    r = torch.randn(2, 4, 6, 3)
    assert torch.equal(adapter.feature_grid(r)[1, :, 3, 5], r[1, 3, 5])
    with pytest.raises(ValueError, match=r'expects \(B, h, w, D\)'):
        adapter.feature_grid(torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match='TokenImageAdapter'):
        ImageAdapter().feature_grid(torch.randn(2, 17, 8))


def test_gradcam_on_vit_tokens_by_hand(vit):
    x = _images(1)
    got = ATTRIBUTORS.build(dict(type='GradCAM', layer='blocks.0', adapter=TOKENS,
                                 model=vit)).attribute(x, torch.tensor([3])).input_masks
    captured = {}
    handle = vit.blocks[0].register_forward_hook(
        lambda m, i, o: captured.setdefault('r', o))
    logit = vit(x.clone().requires_grad_())[0, 3]
    handle.remove()
    grad, = torch.autograd.grad(logit, captured['r'])
    act = captured['r'][0, 1:].detach().T.reshape(32, 4, 4)  # drop [CLS]
    grad = grad[0, 1:].T.reshape(32, 4, 4)
    cam = torch.relu((grad.mean((1, 2), keepdim=True) * act).sum(0))
    want = F.interpolate(cam[None, None], size=(32, 32), mode='bilinear',
                         align_corners=False)[0]
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-4)
    assert got.max() > 0


@pytest.mark.parametrize('name', ['GradCAMPlusPlus', 'LayerCAM', 'ScoreCAM'])
def test_cam_family_on_vit_and_swin(name, vit, swin):
    for model, adapter, layer in [(vit, TOKENS, 'blocks.0'),
                                  (swin, dict(type='TokenImageAdapter', layout='nhwc'),
                                   'layers.0')]:
        masks = ATTRIBUTORS.build(dict(type=name, layer=layer, adapter=adapter,
                                       model=model)).attribute(
            _images(2), torch.tensor([0, 4])).input_masks
        assert masks.shape == (2, 32, 32) and torch.isfinite(masks).all()
        assert (masks >= 0).all()


def _iba(model, adapter, layer, **kw):
    att = ATTRIBUTORS.build(dict(type='IBA', layer=layer, adapter=adapter, model=model,
                                 steps=3, copies=2, **kw))
    att.estimate([dict(inputs=_images(8, seed=2))], 8, progress=False)
    return att


def test_iba_on_vit_tokens(vit):
    att = _iba(vit, TOKENS, 'blocks.0')
    assert att.estimator.mean.shape == (17, 32)  # [CLS] + 16 patches, D = 32
    x = _images(2)
    res = att.attribute(x, torch.tensor([1, 2]), seeds=[3, 4])
    assert res.input_masks.shape == (2, 32, 32)
    assert torch.isfinite(res.input_masks).all() and (res.input_masks >= 0).all()
    single = att.attribute(x[1:], torch.tensor([2]), seeds=[4]).input_masks
    torch.testing.assert_close(res.input_masks[1], single[0], atol=1e-5, rtol=1e-4)
    # the bits of the mask are those of the patch tokens' capacity
    assert res.input_masks.sum((1, 2)).min() > 0


def test_iba_on_swin_stage(swin):
    att = _iba(swin, dict(type='TokenImageAdapter', layout='nhwc'), 'layers.0')
    res = att.attribute(_images(1), torch.tensor([1]), seeds=[3])
    assert res.input_masks.shape == (1, 32, 32) and torch.isfinite(res.input_masks).all()


def test_input_iba_on_vit_tokens(vit):
    att = ATTRIBUTORS.build(dict(
        type='InputIBA', layer='blocks.0', adapter=TOKENS, model=vit,
        feat_iba=dict(steps=2, copies=2),
        gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=1, critic_iters=2),
        input_iba=dict(steps=2, copies=2), critic=dict(type='RecurrentCritic', hidden=8)))
    att.estimate([dict(inputs=_images(8, seed=2))], 8, progress=False)
    res = att.attribute(_images(2), torch.tensor([0, 1]), seeds=[5, 6])
    for masks in (res.input_masks, res.feat_masks, res.extras['gen_masks']):
        assert masks.shape == (2, 32, 32) and torch.isfinite(masks).all()
    assert ((res.input_masks >= 0) & (res.input_masks <= 1)).all()



def test_channels_last_critic_is_the_conv_critic_on_permuted_maps():
    from input_iba.models.gans import ChannelsLastConvCritic, ConvCritic
    torch.manual_seed(0)
    nhwc = ChannelsLastConvCritic((8, 8, 16), hidden=(4, ))
    torch.manual_seed(0)
    nchw = ConvCritic((16, 8, 8), hidden=(4, ))
    r = torch.randn(3, 8, 8, 16)
    torch.testing.assert_close(nhwc(r), nchw(r.permute(0, 3, 1, 2)))
    with pytest.raises(ValueError, match=r'\(h, w, C\)'):
        ChannelsLastConvCritic((17, 32))


def test_input_iba_with_a_gan_on_a_swin_stage(swin):
    att = ATTRIBUTORS.build(dict(
        type='InputIBA', layer='layers.0', model=swin,
        adapter=dict(type='TokenImageAdapter', layout='nhwc'),
        feat_iba=dict(steps=2, copies=2),
        gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=3, critic_iters=2),
        input_iba=dict(steps=2, copies=2)))
    assert att.critic_cfg == dict(type='ChannelsLastConvCritic')  # the adapter's
    att.estimate([dict(inputs=_images(8, seed=2))], 8, progress=False)
    res = att.attribute(_images(2), torch.tensor([0, 1]), seeds=[5, 6])
    for masks in (res.input_masks, res.feat_masks, res.extras['gen_masks']):
        assert masks.shape == (2, 32, 32) and torch.isfinite(masks).all()
    assert ((res.input_masks >= 0) & (res.input_masks <= 1)).all()
    assert torch.isfinite(res.meta['critic_loss']).all()
    single = att.attribute(_images(2)[1:], torch.tensor([1]), seeds=[6])
    torch.testing.assert_close(single.input_masks[0], res.input_masks[1],
                               atol=1e-4, rtol=1e-3)

def test_marc_on_vit_uses_the_blurred_baseline(vit):
    att = ATTRIBUTORS.build(dict(type='MaRC', adapter=TOKENS, model=vit, blur_sigma=3.0,
                                 window=9, grid_stride=4, max_steps=4, min_steps=1,
                                 area_weight=0.25))
    assert att.baselines == ('blur', )  # the reference's ViT setting
    res = att.attribute(_images(2), torch.tensor([0, 1]), seeds=[1, 2])
    assert res.input_masks.shape == (2, 32, 32)
    assert ((res.input_masks > 0) & (res.input_masks < 1)).all()
