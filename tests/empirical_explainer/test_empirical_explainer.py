import numpy as np
import pytest
import torch

from input_iba.datasets import AugmentedCopies, TextClassificationDataset
from input_iba.datasets.base import AttributionDataset
from input_iba.empirical_explainer.evaluation import (
    attribute_samples,
    group_mean_ci,
    place_on_curve,
    position_prior,
    prior_maps,
    sample_mse,
    sample_spearman,
    set_key,
)
from input_iba.empirical_explainer.targets import load_targets, split_indices
from input_iba.engine.attribution_store import explain_dataset
from input_iba.models.attributors import EmpiricalExplainer, InputXGradient
from input_iba.registry import MODELS
from input_iba.training.explainer import explainer_loss, sample_errors, train_explainer

TEXT = dict(type='TokenEmbeddingAdapter')


def _docs(n=40):
    rng = np.random.default_rng(0)
    records = [(f'd{i}', [f't{v}' for v in rng.integers(0, 12, rng.integers(3, 9))],
                int(rng.integers(2)), None) for i in range(n)]
    return TextClassificationDataset(records)


def _bilstm(ds):
    torch.manual_seed(0)
    return MODELS.build(dict(type='BiLSTMAttention', vocab_size=len(ds.vocab),
                             embedding_dim=8, hidden_dim=8, attention_dim=8))


def test_loss_ignores_padding_and_ranks():
    pred = torch.tensor([[1.0, 2.0, 50.0]])
    target = torch.tensor([[1.0, 0.0, 0.0]])
    pm = torch.tensor([[True, True, False]])
    assert explainer_loss(pred, target, pm).item() == 2.0  # (0 + 4) / 2
    # the only informative pair (0, 1) is ranked the wrong way round
    ranked = explainer_loss(pred, target, pm, rank_weight=1.0,
                            generator=torch.Generator().manual_seed(0))
    assert ranked.item() == pytest.approx(2.0 + float(torch.nn.functional.softplus(
        torch.tensor(1.0))))


def test_correlation_term_rewards_each_samples_order_not_the_mean():
    target = torch.tensor([[0.0, 1.0, 2.0, 9.0], [3.0, 2.0, 1.0, 0.0]])
    pm = torch.tensor([[True, True, True, False], [True] * 4])
    # the order of each row, on any scale: r = 1 (padding left out)
    scaled = torch.tensor([[10.0, 20.0, 30.0, -5.0], [1.0, 0.5, 0.0, -0.5]])
    plain = explainer_loss(scaled, target, pm)
    with_r = explainer_loss(scaled, target, pm, correlation_weight=2.0)
    torch.testing.assert_close(with_r, plain)
    # a constant map: r = 0, so the term adds its full weight
    flat = torch.full_like(target, 1.0)
    torch.testing.assert_close(explainer_loss(flat, target, pm, correlation_weight=2.0),
                               explainer_loss(flat, target, pm) + 2.0)
    # reversed order: r = -1
    torch.testing.assert_close(
        explainer_loss(-target, target, pm, correlation_weight=1.0) -
        explainer_loss(-target, target, pm), torch.tensor([2.0, 2.0]))


def test_spearman_and_the_per_position_prior():
    targets = {0: torch.tensor([0.0, 1.0, 2.0]), 1: torch.tensor([2.0, 1.0, 0.0, 5.0]),
               2: torch.tensor([1.0, 3.0])}
    maps = {0: np.array([5.0, 6.0, 7.0]), 1: np.array([1.0, 1.0, 1.0, 1.0]),
            2: np.array([2.0, 1.0])}
    rho = sample_spearman(maps, targets)
    assert rho == pytest.approx({0: 1.0, 1: 0.0, 2: -1.0})  # a constant map scores 0
    prior = position_prior(targets, [0, 1])  # words: per position, over the rows that reach it
    np.testing.assert_allclose(prior, [1.0, 1.0, 1.0, 5.0])
    cut = prior_maps(prior, [2], targets)
    np.testing.assert_allclose(cut[2], [1.0, 1.0])
    images = {i: torch.full((2, 2), float(i)) for i in range(3)}
    np.testing.assert_allclose(position_prior(images, [0, 2]), np.ones((2, 2)))


def test_training_lowers_the_loss_and_the_explainer_reloads(tmp_path):
    ds = _docs()
    model = _bilstm(ds)
    explain_dataset(InputXGradient(model, adapter=TEXT), ds, str(tmp_path / 'targets'),
                    shard_size=16, batch_size=32, progress=False)
    targets, scales, _ = load_targets(str(tmp_path / 'targets'), ds)
    assert all(float(t.abs().max()) == pytest.approx(1.0) for t in targets.values())
    train, val = split_indices(ds, sorted(targets), 0.25, seed=0)
    assert len(val) == 10 and not set(train) & set(val)
    cfg = dict(layer='encoder', feature_dim=16, adapter=TEXT)
    explainer = EmpiricalExplainer(model, **cfg)
    result = train_explainer(explainer.net, ds, targets, train, train, str(tmp_path),
                             epochs=15, batch_size=8, lr=1e-2, patience=15)
    curve = [h['train_loss'] for h in result['history']]
    assert curve[-1] < 0.5 * curve[0]
    reloaded = EmpiricalExplainer(model, checkpoint=str(tmp_path / 'explainer.pth'), **cfg)
    explainer.net.load_state_dict(torch.load(tmp_path / 'explainer.pth', weights_only=True))
    explainer.net.eval()
    batch = ds.collate([ds[i] for i in val])
    a = explainer.attribute(batch['inputs'], batch['targets'], padding_mask=batch['padding_mask'])
    b = reloaded.attribute(batch['inputs'], batch['targets'], padding_mask=batch['padding_mask'])
    assert torch.equal(a.input_masks, b.input_masks)
    # the best epoch's validation MSE is what the reloaded explainer scores
    assert np.mean(sample_errors(reloaded.net, ds, train, targets)[0]) == pytest.approx(
        result['best_val_mse'], rel=1e-5)
    # the classifier itself is untouched by the explainer's training
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(FileNotFoundError, match='train_explainer'):
        EmpiricalExplainer(model, checkpoint=str(tmp_path / 'missing.pth'), **cfg)


@pytest.mark.parametrize('head', ['token', 'flat'])
def test_text_heads_zero_padding_and_padding_never_counts(head):
    ds = _docs(6)
    model = _bilstm(ds)
    att = EmpiricalExplainer(model, layer='encoder', feature_dim=16, adapter=TEXT, head=head,
                             max_length=12)
    batch = ds.collate([ds[i] for i in range(6)])
    pm = batch['padding_mask']
    out = att.net(batch['inputs'], pm)
    assert out.shape == pm.shape and (out[~pm] == 0).all()
    # a sample's prediction does not depend on the padding its batch adds
    alone = att.net(batch['inputs'][:1, :int(pm[0].sum())], pm[:1, :int(pm[0].sum())])
    torch.testing.assert_close(alone[0], out[0, :int(pm[0].sum())])
    # garbage targets on padding positions change nothing
    target = torch.randn(out.shape)
    noisy = target.masked_fill(~pm, 1e3)
    torch.testing.assert_close(explainer_loss(out, target, pm), explainer_loss(out, noisy, pm))


def test_tokenised_text_trains_on_the_word_maps_the_loop_gives(tmp_path):
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import TINY_BERT, tiny_tokenizer
    tok = tiny_tokenizer(str(tmp_path / 'tok'))
    # 'goods' is two pieces: [CLS] the good ##s unfun movie is boring [SEP]
    ds = TextClassificationDataset([('long', 'the goods movie is boring'.split(), 0, None),
                                    ('short', 'great film'.split(), 1, None)], tokenizer=tok)
    torch.manual_seed(0)
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    att = EmpiricalExplainer(model, layer='hf.bert.encoder.layer.1.output', feature_dim=16,
                             adapter=TEXT)
    targets = {0: torch.tensor([1.0, 0.0, -1.0, 0.5, 0.0]), 1: torch.tensor([0.0, 1.0])}
    maps = attribute_samples(att, ds, [0, 1], {0: 0, 1: 1}, seed=0, batch_size=16)
    with torch.no_grad():
        tokens = att.net(ds[0]['inputs'][None])[0]
    # a word's value is the mean over its pieces
    assert maps[0][1] == pytest.approx(float(tokens[2:4].mean()), rel=1e-5)
    assert maps[0].shape == (5, ) and maps[1].shape == (2, )
    # training scores exactly the word maps that the attribution loop gives
    want = [float(((torch.from_numpy(maps[i]) - targets[i])**2).mean()) for i in (0, 1)]
    assert sample_errors(att.net, ds, [0, 1], targets)[0] == pytest.approx(want, rel=1e-5)
    result = train_explainer(att.net, ds, targets, [0, 1], [0, 1], str(tmp_path), epochs=40,
                             batch_size=2, lr=1e-2, patience=40)
    assert result['best_val_mse'] < 0.2 * np.mean(want)


def test_image_decoder_head_shapes_and_batch_norm_stays_frozen(tiny_convnet):
    tiny_convnet.features.insert(2, torch.nn.BatchNorm2d(8))
    att = EmpiricalExplainer(tiny_convnet, layer='features.4', feature_dim=8, head='decoder',
                             hidden=4)
    out = att.attribute(torch.randn(2, 3, 16, 16), torch.tensor([0, 1]))
    assert out.input_masks.shape == (2, 16, 16)
    att.net.train()
    att.net(torch.randn(4, 3, 16, 16))
    assert att.net.encoder.features[2].running_mean.abs().max() == 0


def test_place_on_curve_interpolates():
    curve = [dict(value=v, mse=dict(mean=m)) for v, m in ((1, 0.8), (2, 0.4), (4, 0.1))]
    assert place_on_curve(0.25, curve) == dict(equivalent=3.0, bracket=[2, 4])
    assert place_on_curve(0.9, curve) == dict(equivalent=1, bracket=[None, 1])
    assert place_on_curve(0.05, curve) == dict(equivalent=None, bracket=[4, None])


def test_intervals_count_groups_not_copies():
    class Crops:
        def sample_name(self, i):
            return f'photo{i // 3}_aug{i % 3}'

        def sample_group(self, i):
            return f'photo{i // 3}'

    values = {0: 1.0, 1: 2.0, 2: 3.0, 3: 10.0, 4: 10.0, 5: 10.0}
    grouped = group_mean_ci(values, Crops())
    assert grouped['n'] == 2 and grouped['mean'] == pytest.approx(6.0)
    assert grouped['std'] == pytest.approx(np.std([2.0, 10.0], ddof=1))
    # without groups every sample counts
    del Crops.sample_group
    assert group_mean_ci(values, Crops())['n'] == 6


def test_sample_mse_uses_the_target_scale_and_set_key():
    targets = {0: torch.tensor([1.0, -0.5])}
    assert sample_mse({0: np.array([2.0, 0.0])}, targets, {0: 2.0}) == {0: 0.125}
    cfg = dict(type='InputIBA', input_iba=dict(beta=1))
    assert set_key(cfg, 'input_iba.steps', 3) == dict(type='InputIBA',
                                                      input_iba=dict(beta=1, steps=3))
    assert 'steps' not in cfg['input_iba']


class _Photos(AttributionDataset):
    def __len__(self):
        return 3

    def sample_name(self, index):
        return f'p{index}'

    def __getitem__(self, index):
        image = np.random.default_rng(index).integers(0, 255, (20, 20, 3), dtype=np.uint8)
        return dict(name=f'p{index}', inputs=torch.zeros(3, 20, 20), target=index,
                    image=image, boxes=np.ones((1, 4), np.float32))


def test_augmented_copies_are_deterministic_and_split_by_source():
    ds = AugmentedCopies(_Photos(), copies=4, pipeline=dict(type='ResizeNormalize',
                                                             size=(20, 20)))
    assert len(ds) == 12 and ds.sample_name(4) == 'p1_aug1' and ds.sample_group(4) == 'p1'
    assert ds[1]['name'] == 'p1' and ds[1]['boxes'].shape == (1, 4)
    a, b = ds[7], ds[7]
    torch.testing.assert_close(a['inputs'], b['inputs'])
    assert a['name'] == 'p1_aug2' and a['target'] == 1 and a['boxes'].shape == (0, 4)
    assert not torch.equal(a['inputs'], ds[4]['inputs'])
    # more copies append samples: the first ones stay as they were
    more = AugmentedCopies(_Photos(), copies=5, pipeline=dict(type='ResizeNormalize',
                                                              size=(20, 20)))
    torch.testing.assert_close(more[7]['inputs'], a['inputs'])
    train, val = split_indices(ds, list(range(12)), 0.34, seed=0)
    assert len(val) == 4 and len({ds.sample_group(i) for i in val}) == 1


class _Squares(AttributionDataset):
    """16x16 images with a bright square; the target map is the square."""

    def __len__(self):
        return 12

    def sample_name(self, index):
        return f's{index}'

    def __getitem__(self, index):
        top, left = divmod(index, 4)
        x = torch.zeros(3, 16, 16)
        x[:, 3 * top:3 * top + 6, 3 * left:3 * left + 6] = 1.0
        return dict(name=f's{index}', inputs=x, target=0)


def test_image_decoder_learns_a_fixed_set(tiny_convnet, tmp_path):
    ds = _Squares()
    targets = {i: ds[i]['inputs'][0].clone() for i in range(len(ds))}
    att = EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='decoder',
                             hidden=8)
    result = train_explainer(att.net, ds, targets, list(range(12)), list(range(12)),
                             str(tmp_path), epochs=12, batch_size=6, lr=2e-2, patience=12,
                             rank_weight=0.5)
    curve = [h['val_mse'] for h in result['history']]
    assert min(curve) < 0.5 * curve[0]


def test_unet_head_merges_the_skips_and_learns_a_fixed_set(tiny_convnet, tmp_path):
    ds = _Squares()
    targets = {i: ds[i]['inputs'][0].clone() for i in range(len(ds))}
    att = EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='unet',
                             skips={'features.1': 8}, hidden=8, train_encoder=False)
    assert att.attribute(torch.randn(2, 3, 16, 16), torch.tensor([0, 1])).input_masks.shape \
        == (2, 16, 16)
    result = train_explainer(att.net, ds, targets, list(range(12)), list(range(12)),
                             str(tmp_path), epochs=12, batch_size=6, lr=2e-2, patience=12,
                             correlation_weight=1.0)
    curve = [h['val_mse'] for h in result['history']]
    assert min(curve) < 0.5 * curve[0]
    # one validation pass gives both terms of the training loss, per sample
    mse, decorrelation = sample_errors(att.net, ds, [0, 1, 2], targets)
    batch = ds.collate([ds[i] for i in (0, 1, 2)])
    target = torch.stack([targets[i] for i in (0, 1, 2)])
    with torch.no_grad():
        want = explainer_loss(att.net(batch['inputs']), target, correlation_weight=2.0)
    assert np.add(mse, np.multiply(2.0, decorrelation)).tolist() == pytest.approx(want.tolist(),
                                                                                   rel=1e-5)


def test_unet_head_refuses_wrong_skips(tiny_convnet):
    with pytest.raises(ValueError, match='needs skips'):
        EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='unet')
    with pytest.raises(ValueError, match="not 'decoder'"):
        EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='decoder',
                           skips={'features.1': 8})
    with pytest.raises(KeyError, match='features.9'):
        EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='unet',
                           skips={'features.9': 8})
    x = torch.randn(1, 3, 16, 16)
    wrong = EmpiricalExplainer(tiny_convnet, layer='features.3', feature_dim=8, head='unet',
                               skips={'features.1': 5})
    with pytest.raises(ValueError, match=r'\[8, 5\] channels .* got \[8, 8\]'):
        wrong.net(x)
    deeper = EmpiricalExplainer(tiny_convnet, layer='features.1', feature_dim=8, head='unet',
                                skips={'features.3': 8})
    with pytest.raises(ValueError, match='do not run before'):
        deeper.net(x)


def test_validation_folds_cross_fit_every_group_once():
    ds = AugmentedCopies(_Photos(), copies=2, pipeline=dict(type='ResizeNormalize',
                                                             size=(20, 20)))
    first = split_indices(ds, list(range(6)), 0.5, seed=3, val_fold=0)
    second = split_indices(ds, list(range(6)), 0.5, seed=3, val_fold=1)
    assert sorted(first[1] + second[1]) == list(range(6))  # each sample validated once
    for train, val in (first, second):
        assert not {ds.sample_group(i) for i in train} & {ds.sample_group(i) for i in val}
    with pytest.raises(ValueError, match=r'val_fold must be in 0\.\.1'):
        split_indices(ds, list(range(6)), 0.5, val_fold=2)
