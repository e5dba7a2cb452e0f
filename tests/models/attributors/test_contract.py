"""The contract of every registered attributor, one table of light
configurations (Captum's shared test cases): a sample's mask does not depend
on its batch, a rerun with the same seeds is identical, masks come back on
the CPU as finite float32 of shape (B, *positions), and for text, padding
after a document changes nothing."""
import pytest
import torch

from input_iba.registry import ATTRIBUTORS, MODELS

TOKENS = dict(type='TokenEmbeddingAdapter')
GAN = dict(dataset_size=4, subset_size=2, batch_size=2, epochs=1, critic_iters=1)
INPUT_IBA = dict(feat_iba=dict(steps=2, copies=2), gan=GAN, input_iba=dict(steps=2, copies=2))
# name -> light settings on the tiny convnet (3 x 16 x 16, 'features.2': 8 x 8 x 8)
IMAGE = dict(
    Random=dict(), Saliency=dict(), InputXGradient=dict(), GuidedBackprop=dict(),
    IntegratedGradients=dict(steps=4), SmoothGrad=dict(samples=3),
    GradientShap=dict(samples=3), DeepLift=dict(), DeepLiftShap=dict(blur_sigma=2.0),
    Occlusion=dict(window=4, stride=4), FeatureAblation=dict(cell=4),
    ShapleyValueSampling=dict(cell=8, n_samples=2),
    KernelShap=dict(cell=4, samples=8), Lime=dict(cell=4, samples=8),
    RISE=dict(num_masks=8, grid=4), GradCAM=dict(layer='features.2'),
    GradCAMPlusPlus=dict(layer='features.2'), GuidedGradCAM=dict(layer='features.2'),
    LayerCAM=dict(layer='features.2'), ScoreCAM=dict(layer='features.2'),
    ExtremalPerturbation=dict(steps=3, grid_step=4, smooth_sigma=4, blur_sigma=2.0,
                              blur_levels=3),
    MaRC=dict(grid_stride=4, window=9, max_steps=3, min_steps=1),
    IBA=dict(layer='features.2', steps=2, copies=2),
    InputIBA=dict(layer='features.2', critic=dict(type='ConvCritic', hidden=(8, )),
                  **INPUT_IBA),
    EmpiricalExplainer=dict(layer='features.2', feature_dim=8, head='decoder', hidden=4),
)
# name -> light settings on a tiny BiLSTM with attention (layer 'encoder')
TEXT = dict(
    Random=dict(), Attention=dict(), Saliency=dict(), InputXGradient=dict(),
    IntegratedGradients=dict(steps=4), MaRC=dict(max_steps=3, min_steps=1),
    IBA=dict(layer='encoder', steps=2, copies=2),
    InputIBA=dict(layer='encoder', critic=dict(type='RecurrentCritic', hidden=4),
                  **INPUT_IBA),
    EmpiricalExplainer=dict(layer='encoder', feature_dim=16, head='token'),
    MutualInformation=dict(), ShapleyValueSampling=dict(n_samples=2),
    # their text defaults (padding-embedding baselines, 5-token windows)
    Lime=dict(samples=8), KernelShap=dict(samples=8), SmoothGrad=dict(samples=3),
    DeepLift=dict(), GradientShap=dict(samples=3), Occlusion=dict(),
)


def package_attributors():
    """``{name: class}`` of the attributors of the package (not the tests' own)."""
    ATTRIBUTORS.import_from_location()
    return {name: cls for name, cls in ATTRIBUTORS.module_dict.items()
            if cls.__module__.startswith('input_iba.')}


def test_every_registered_attributor_is_in_the_table():
    image = {name for name, cls in package_attributors().items() if 'image' in cls.modalities}
    missing = image - set(IMAGE)
    assert not missing, f'add a light configuration of {sorted(missing)} to IMAGE'
    text_only = {name for name, cls in package_attributors().items()
                 if cls.modalities == ('text', )}
    assert not text_only - set(TEXT), f'add {sorted(text_only - set(TEXT))} to TEXT'


@pytest.mark.parametrize('table, modality', [(IMAGE, 'image'), (TEXT, 'text')])
def test_the_table_holds_what_the_methods_declare(table, modality):
    wrong = {name for name in table if modality not in ATTRIBUTORS.get(name).modalities}
    assert not wrong, f'{sorted(wrong)} do not declare {modality!r} in their modalities'


def _build(name, settings, model, estimation):
    att = ATTRIBUTORS.build(dict(settings, type=name, model=model))
    pm = estimation.get('padding_mask')  # a corpus with labels, e.g. for token counts
    att.prepare([dict(inputs=x if pm is None else x[pm[i]], target=i % 2)
                 for i, x in enumerate(estimation['inputs'])])
    if att.needs_statistics:
        att.estimate([estimation], len(estimation['inputs']), progress=False)
    return att


def _check(result, shape):
    masks = result.input_masks
    assert masks.shape == shape and masks.dtype == torch.float32
    assert masks.device.type == 'cpu' and torch.isfinite(masks).all()


@pytest.mark.parametrize('name', sorted(IMAGE))
def test_image_contract(name, tiny_convnet):
    torch.manual_seed(0)
    x, targets = torch.randn(3, 3, 16, 16), torch.tensor([0, 1, 2])
    att = _build(name, IMAGE[name], tiny_convnet, dict(inputs=torch.randn(6, 3, 16, 16)))
    batch = att.attribute(x, targets, seeds=[4, 5, 6])
    _check(batch, (3, 16, 16))
    again = att.attribute(x, targets, seeds=[4, 5, 6])
    assert torch.equal(batch.input_masks, again.input_masks)
    single = att.attribute(x[1:2], targets[1:2], seeds=[5])
    torch.testing.assert_close(single.input_masks[0], batch.input_masks[1],
                               atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize('name', sorted(TEXT))
def test_text_contract(name):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=30, hidden_dim=8,
                              embedding_dim=6, attention_dim=5)).eval()
    ids = torch.randint(3, 30, (2, 7))
    pm = torch.ones(2, 7, dtype=torch.bool)
    pm[1, 4:] = False
    ids = ids * pm
    att = _build(name, dict(TEXT[name], adapter=TOKENS), model,
                 dict(inputs=ids, padding_mask=pm))
    targets = torch.tensor([0, 1])
    batch = att.attribute(ids, targets, seeds=[4, 5], padding_mask=pm)
    _check(batch, (2, 7))
    assert (batch.input_masks[~pm] == 0).all()
    again = att.attribute(ids, targets, seeds=[4, 5], padding_mask=pm)
    assert torch.equal(batch.input_masks, again.input_masks)
    single = att.attribute(ids[1:, :4], targets[1:], seeds=[5], padding_mask=pm[1:, :4])
    torch.testing.assert_close(single.input_masks[0], batch.input_masks[1, :4],
                               atol=1e-4, rtol=1e-3)


# label -> light settings on a tiny random BERT through its tokenizer (word-level
# masks); 'hf.bert.encoder.layer.0.output' is the first BertLayer's output
BERT_LAYER = 'hf.bert.encoder.layer.0.output'
TRANSFORMER = dict(
    Random=dict(), Attention=dict(), AttentionRollout=dict(type='Attention', kind='rollout'),
    Saliency=dict(), InputXGradient=dict(), IntegratedGradients=dict(steps=4, baseline='pad'),
    MaRC=dict(max_steps=3, min_steps=1), IBA=dict(layer=BERT_LAYER, steps=2, copies=2),
    ShapleyValueSampling=dict(n_samples=2, baseline='pad'),
    InputIBA=dict(layer=BERT_LAYER, critic=dict(type='RecurrentCritic', hidden=4),
                  **INPUT_IBA),
    Lime=dict(samples=8), KernelShap=dict(samples=8), SmoothGrad=dict(samples=3),
    DeepLift=dict(), GradientShap=dict(samples=3), Occlusion=dict(),
)


@pytest.fixture(scope='module')
def tiny_bert_data(tmp_path_factory):
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import TINY_BERT, tiny_tokenizer

    from input_iba.datasets.text import TextClassificationDataset
    tok = tiny_tokenizer(str(tmp_path_factory.mktemp('tok')))
    # 'goods' and 'unfun' are two pieces each: 6 words, 8 pieces + [CLS]/[SEP]
    records = [('long', 'the goods unfun movie is boring'.split(), 0, None),
               ('short', 'great film'.split(), 1, None)]
    torch.manual_seed(0)
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    return model, TextClassificationDataset(records, tokenizer=tok), (6, 2)


@pytest.fixture(scope='module')
def tiny_bert_pairs(tmp_path_factory):
    """Pairs, on a model that knows its tokenizer's segments."""
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import TINY_BERT, tiny_tokenizer

    from input_iba.datasets.text import TextClassificationDataset
    folder = str(tmp_path_factory.mktemp('tok'))
    tok = tiny_tokenizer(folder)
    # [CLS] the good ##s unfun... : 3 + 3 words, 8 pieces + [CLS] [SEP] [SEP]
    records = [('long', (['the', 'goods', 'unfun'], ['movie', 'is', 'boring']), 0, None),
               ('short', (['great'], ['film']), 1, None)]
    torch.manual_seed(0)
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT,
                              tokenizer=folder)).eval()
    assert model.sep_token_id == 3
    return model, TextClassificationDataset(records, tokenizer=tok), (6, 2)


@pytest.mark.parametrize('pairs', [False, True], ids=['single', 'pairs'])
@pytest.mark.parametrize('label', sorted(TRANSFORMER))
def test_transformer_contract_word_level(label, pairs, request):
    from input_iba.engine.batch import attribute_items
    model, data, words = request.getfixturevalue(
        'tiny_bert_pairs' if pairs else 'tiny_bert_data')
    settings = dict(TRANSFORMER[label])
    att = _build(settings.pop('type', label), dict(settings, adapter=TOKENS), model,
                 data.collate([data[0], data[1]]))
    items = [data[0], data[1]]
    both = attribute_items(att, items, data.collate, seed=3)
    _check(both.result, (2, words[0]))  # one value per word
    assert both.mask(0).shape == (words[0], ) and both.mask(1).shape == (words[1], )
    assert (both.result.input_masks[1, words[1]:] == 0).all()
    again = attribute_items(att, items, data.collate, seed=3)
    assert torch.equal(both.result.input_masks, again.result.input_masks)
    single = attribute_items(att, items[1:], data.collate, seed=3)
    torch.testing.assert_close(single.mask(0), both.mask(1), atol=1e-4, rtol=1e-3)
    if label == 'MaRC':  # it masks words: the pieces of 'goods' share one value
        batch = data.collate(items[:1])
        tokens = att.attribute(batch['inputs'], torch.tensor([0]), seeds=[1],
                               padding_mask=batch['padding_mask'],
                               word_ids=batch['word_ids']).input_masks[0]
        assert tokens[2] == tokens[3] and tokens[0] == tokens[-1] == 0
        assert tokens[1] != tokens[2]
        if pairs:  # [CLS] the good ##s un ##fun [SEP] ...: the middle [SEP] too
            assert tokens[6] == 0


@pytest.mark.parametrize('label', sorted(TRANSFORMER))
def test_transformer_contract_whole_long_document(label, tmp_path):
    """A document longer than the model (98 pieces for 64 positions) is
    explained whole by every method: one finite value per word, from its
    chunks, the same in a batch as alone."""
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import TINY_BERT, tiny_tokenizer

    from input_iba.datasets.text import TextClassificationDataset
    from input_iba.engine.batch import attribute_items
    tok = tiny_tokenizer(str(tmp_path))
    words = ('the goods movie is not great . ' * 12).split()  # 84 words, 96 pieces
    data = TextClassificationDataset([('long', words, 1, None),
                                      ('short', ['great', 'film'], 0, None)], tokenizer=tok)
    torch.manual_seed(0)
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    settings = dict(TRANSFORMER[label])
    if label == 'MaRC':  # it chunks documents itself, by its own max_length
        settings.update(max_length=40, overlap=10)
    items = [data[0], data[1]]
    att = _build(settings.pop('type', label), dict(settings, adapter=TOKENS), model,
                 data.collate([data[1], data[1]]))
    both = attribute_items(att, items, data.collate, seed=3)
    assert both.mask(0).shape == (84, ) and torch.isfinite(both.mask(0)).all()
    assert both.result.meta['chunks'].tolist() == [3.0, 1.0]
    alone = attribute_items(att, items[:1], data.collate, seed=3)
    torch.testing.assert_close(alone.mask(0), both.mask(0), atol=1e-4, rtol=1e-3)
