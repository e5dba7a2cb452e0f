import warnings

import pytest
import torch

from input_iba.models.attributors import IBA, InputIBA

SMALL = dict(feat_iba=dict(steps=4, copies=3),
             gan=dict(dataset_size=16, subset_size=8, batch_size=8, epochs=2,
                      critic_iters=2),
             input_iba=dict(steps=5, copies=3),
             critic=dict(type='ConvCritic', hidden=(16, )))


def _attributor(model, cls=InputIBA, **kw):
    att = cls(model, 'features.2', **kw)
    torch.manual_seed(1)
    att.estimate([dict(inputs=torch.randn(32, 3, 16, 16))], num_samples=32,
                 progress=False)
    return att


def test_batch_equals_single_runs(tiny_convnet):
    att = _attributor(tiny_convnet, **SMALL)
    x = torch.randn(3, 3, 16, 16)
    targets = torch.tensor([0, 2, 1])
    seeds = [11, 22, 33]
    batch = att.attribute(x, targets, seeds=seeds)
    for i in range(3):
        single = att.attribute(x[i:i + 1], targets[i:i + 1], seeds=[seeds[i]])
        for key in ('input_masks', 'feat_masks'):
            assert torch.allclose(getattr(batch, key)[i], getattr(single, key)[0],
                                  atol=1e-4), key
        assert torch.allclose(batch.extras['gen_masks'][i],
                              single.extras['gen_masks'][0], atol=1e-4)


def test_outputs_shapes_ranges_and_seed_determinism(tiny_convnet):
    att = _attributor(tiny_convnet, **SMALL)
    x = torch.randn(2, 3, 16, 16)
    a = att.attribute(x, torch.tensor([0, 1]), seeds=[5, 6])
    b = att.attribute(x, torch.tensor([0, 1]), seeds=[5, 6])
    assert a.input_masks.shape == (2, 16, 16) and a.feat_masks.shape == (2, 16, 16)
    assert torch.equal(a.input_masks, b.input_masks)
    assert (a.input_masks >= 0).all() and (a.input_masks <= 1).all()
    assert (a.feat_masks >= 0).all()
    assert not tiny_convnet._forward_hooks and not any(
        m._forward_hooks for m in tiny_convnet.modules())


def test_iba_finds_the_only_informative_region():
    # The logit of class 1 is the mean of channel 0 in the top-left quarter of
    # the feature map; nothing else matters. IBA's capacity must sit there.
    class QuarterModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = torch.nn.Identity()

        def forward(self, x):
            f = self.features(x)
            score = f[:, 0, :4, :4].mean((1, 2)) * 5
            return torch.stack([-score, score], 1)

    model = QuarterModel()
    att = IBA(model, 'features', beta=1.0, steps=30, lr=0.5, copies=4, sigma=0)
    att.estimate([dict(inputs=torch.randn(64, 3, 8, 8))], 64, progress=False)
    x = torch.randn(1, 3, 8, 8)
    x[:, 0, :4, :4] = 2.0
    res = att.attribute(x, torch.tensor([1]), seeds=[0])
    heat = res.input_masks[0]
    assert heat[:4, :4].sum() > 0.9 * heat.sum()


def test_unknown_layer_lists_close_names(tiny_convnet):
    with pytest.raises(KeyError, match=r"features\.2"):
        InputIBA(tiny_convnet, 'features.20')


def test_attribute_without_statistics_says_what_to_do(tiny_convnet):
    att = InputIBA(tiny_convnet, 'features.2', **SMALL)
    with pytest.raises(RuntimeError, match='estimate'):
        att.attribute(torch.randn(1, 3, 16, 16), torch.tensor([0]))


def test_gan_feature_mask_option_is_checked(tiny_convnet):
    with pytest.raises(ValueError, match='lambda'):
        InputIBA(tiny_convnet, "features.2", gan_feature_mask="lamda")
    att = _attributor(tiny_convnet, gan_feature_mask='capacity', **SMALL)
    res = att.attribute(torch.randn(1, 3, 16, 16), torch.tensor([0]))
    assert torch.isfinite(res.input_masks).all()


def test_schedules_are_named_and_misspelt_keys_refused(tiny_convnet):
    from input_iba.models.attributors.input_iba import SCHEDULES
    assert InputIBA(tiny_convnet, 'features.2').schedule == 'fast'
    published = InputIBA(tiny_convnet, 'features.2', schedule='published')
    assert published.gan_cfg['epochs'] == 20 and published.input_cfg['steps'] == 60
    assert published.steps == 10 and published.copies == 10
    assert SCHEDULES['fast']['gan']['epochs'] == 0
    with pytest.raises(KeyError, match='published'):
        InputIBA(tiny_convnet, 'features.2', schedule='publish')
    with pytest.raises(KeyError, match=r"stesp.*steps"):
        InputIBA(tiny_convnet, 'features.2', input_iba=dict(stesp=3))
    with pytest.raises(KeyError, match=r"epocs.*epochs"):
        InputIBA(tiny_convnet, 'features.2', gan=dict(epocs=3))


def test_untrained_gan_prior_is_the_sigmoid_of_the_feature_mask(tiny_convnet):
    # with epochs=0 the generator's mask logits stay at the feature mask in
    # bits per pixel: the prior is exactly sigmoid(feature mask)
    small = dict(SMALL, gan=dict(epochs=0))
    att = _attributor(tiny_convnet, **small)
    res = att.attribute(torch.randn(2, 3, 16, 16), torch.tensor([0, 3]), seeds=[1, 2])
    assert torch.allclose(res.extras['gen_masks'], torch.sigmoid(res.feat_masks),
                          atol=1e-6)
    assert 'critic_loss' not in res.meta


def test_a_saturated_untrained_prior_is_reported_once(tiny_convnet):
    # the prior is sigmoid(bits per pixel): 0 nats give 0.5 (fine); 64 nats
    # per element of the 8 channels give 738 bits per feature cell, spread
    # over its 4 pixels: sigmoid(185) = 1, so the input KL would be 0
    att = _attributor(tiny_convnet, **dict(SMALL, gan=dict(epochs=0)))
    x, r = torch.randn(2, 3, 16, 16), torch.randn(2, 8, 8, 8)
    gens = [torch.Generator().manual_seed(s) for s in (1, 2)]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        prior, _ = att.fit_generator(x, None, torch.zeros_like(r), r, gens, [1, 2])
    assert torch.allclose(prior, torch.full_like(prior, 0.5))
    with pytest.warns(UserWarning, match=r"prior_init='lambda'"):
        prior, _ = att.fit_generator(x, None, torch.full_like(r, 64.0), r, gens, [1, 2])
    assert float(prior.min()) == 1.0
    with warnings.catch_warnings():  # once per attributor
        warnings.simplefilter('error')
        att.fit_generator(x, None, torch.full_like(r, 64.0), r, gens, [1, 2])


def test_lambda_prior_init_is_the_mean_feature_mask(tiny_convnet):
    # prior_init='lambda': the untrained prior is the feature mask's mean over
    # channels, resized to the image; 64 nats of capacity no longer saturate it
    att = _attributor(tiny_convnet, prior_init='lambda', **dict(SMALL, gan=dict(epochs=0)))
    x, r = torch.randn(2, 3, 16, 16), torch.randn(2, 8, 8, 8)
    lam = torch.full_like(r, 0.2)
    lam[:, :4] = 0.6  # channel mean 0.4
    gens = [torch.Generator().manual_seed(s) for s in (1, 2)]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        prior, _ = att.fit_generator(x, lam, torch.full_like(r, 64.0), r, gens, [1, 2])
    torch.testing.assert_close(prior, torch.full_like(prior, 0.4))
    with pytest.raises(ValueError, match='prior_init must be one of'):
        _attributor(tiny_convnet, prior_init='bits')


def test_smoothed_output_is_the_smoothed_sigmoid(tiny_convnet):
    from input_iba.models.bottlenecks import smooth2d
    x, t = torch.randn(2, 3, 16, 16), torch.tensor([1, 2])
    raw = _attributor(tiny_convnet, **SMALL).attribute(x, t, seeds=[3, 4])  # the default
    smooth = _attributor(tiny_convnet, input_mask='smoothed', **SMALL).attribute(
        x, t, seeds=[3, 4])
    assert torch.allclose(smooth.input_masks,
                          smooth2d(raw.input_masks[:, None], 1.0)[:, 0], atol=1e-6)
    assert not torch.allclose(smooth.input_masks, raw.input_masks, atol=1e-3)
    with pytest.raises(ValueError, match='sigmoid'):
        InputIBA(tiny_convnet, 'features.2', input_mask='lambda')


def test_restarts_average_runs_of_the_same_sample(tiny_convnet):
    # with noise-free steps every restart follows the same path: the
    # average of R runs equals one run, sample by sample (no mixing of rows)
    small = dict(SMALL, gan=dict(epochs=0))
    x, t = torch.randn(2, 3, 16, 16), torch.tensor([0, 2])
    masks = {}
    for runs in (1, 3):
        att = _attributor(tiny_convnet, **dict(small, input_iba=dict(
            steps=5, copies=2, restarts=runs)))
        att.adapter.sample_noise = lambda gens, n, shape, dev: torch.zeros(
            len(gens), n, *shape, device=dev)
        masks[runs] = att.attribute(x, t, seeds=[1, 2]).input_masks
    assert torch.allclose(masks[1], masks[3], atol=1e-6)
    assert not torch.allclose(masks[3][0], masks[3][1], atol=1e-3)
    # with noise, restarts differ and the average is batch-independent
    att = _attributor(tiny_convnet, **dict(small, input_iba=dict(
        steps=5, copies=2, restarts=2)))
    both = att.attribute(x, t, seeds=[1, 2]).input_masks
    second = att.attribute(x[1:], t[1:], seeds=[2]).input_masks
    assert torch.allclose(both[1], second[0], atol=1e-5)


def test_step_sizes_by_hand_and_bad_input_stage_options(tiny_convnet):
    from input_iba.models.attributors.input_iba import step_sizes
    assert step_sizes(0.5, 3, 'constant') == [0.5, 0.5, 0.5]
    # cosine from lr down to lr / steps: 1, 1/3 + 2/3 * 0.5, 1/3
    assert step_sizes(1.0, 3, 'cosine') == pytest.approx([1.0, 2 / 3, 1 / 3])
    with pytest.raises(ValueError, match='cosine'):
        InputIBA(tiny_convnet, 'features.2', input_iba=dict(lr_decay='cos'))
    with pytest.raises(ValueError, match='restarts'):
        InputIBA(tiny_convnet, 'features.2', input_iba=dict(restarts=0))
