import numpy as np
import pytest
import torch

from input_iba.models.adapters import TokenEmbeddingAdapter
from input_iba.models.attributors import IBA, InputIBA
from input_iba.registry import MODELS

TINY_BERT = dict(model_type='bert', vocab_size=40, hidden_size=16, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=32, num_labels=2)


def _batch():
    torch.manual_seed(0)
    ids = torch.randint(3, 40, (3, 9))
    pm = torch.ones(3, 9, dtype=torch.bool)
    pm[1, 6:] = False
    pm[2, 3:] = False
    return ids * pm, pm


@pytest.mark.parametrize('cfg', [dict(type='DeepLSTM', vocab_size=40, hidden_dim=8,
                                      embedding_dim=6),
                                 dict(type='DeepLSTM', vocab_size=40, hidden_dim=8, embedding_dim=6,
                                      pooling='max'),
                                 dict(type='DeepLSTM', vocab_size=40, hidden_dim=8, embedding_dim=6,
                                      pooling='mean'),
                                 dict(type='BiLSTMAttention', vocab_size=40, hidden_dim=8,
                                      embedding_dim=6, attention_dim=5),
                                 dict(type='HuggingFaceClassifier', config=TINY_BERT)])
def test_extra_padding_never_changes_the_logits(cfg):
    model = MODELS.build(cfg).eval()
    ids, pm = _batch()
    more = torch.cat([ids, torch.zeros(3, 4, dtype=torch.long)], 1)
    more_pm = torch.cat([pm, torch.zeros(3, 4, dtype=torch.bool)], 1)
    assert torch.allclose(model(ids, pm), model(more, more_pm), atol=1e-5)
    assert torch.allclose(model(ids[2:, :3]), model(ids, pm)[2:], atol=1e-5)


def test_bilstm_attention_weights_cover_real_tokens_only():
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=40, hidden_dim=8,
                              embedding_dim=6)).eval()
    ids, pm = _batch()
    model(ids, pm)
    att = model.last_attention
    assert torch.allclose(att.sum(1), torch.ones(3))
    assert (att[~pm] == 0).all()


def test_bilstm_attention_starts_from_pretrained_word_embeddings(tmp_path):
    from transformers import AutoConfig, AutoModel
    torch.manual_seed(0)
    bert = AutoModel.from_config(AutoConfig.for_model(**TINY_BERT))
    bert.save_pretrained(tmp_path)
    model = MODELS.build(dict(type='BiLSTMAttention', pretrained_embeddings=str(tmp_path),
                              hidden_dim=8))
    weight = bert.get_input_embeddings().weight
    assert model.embedding.weight.shape == (40, 16)
    assert model.encoder.forward_lstm.input_size == 16
    assert torch.equal(model.embedding.weight, weight)
    assert model.embedding.weight.requires_grad  # trained further, not frozen
    ids, pm = _batch()
    model(ids, pm).sum().backward()
    assert model.embedding.weight.grad[0].abs().sum() == 0  # padding row stays
    with pytest.raises(ValueError, match=r'\(40, 16\).*embedding_dim.*300'):
        MODELS.build(dict(type='BiLSTMAttention', pretrained_embeddings=str(tmp_path),
                          embedding_dim=300))


def test_token_statistics_skip_padding_and_match_numpy():
    model = MODELS.build(dict(type='DeepLSTM', vocab_size=40, hidden_dim=8,
                              embedding_dim=6))
    ids, pm = _batch()
    iba = IBA(model, 'rnn_2', adapter=dict(type='TokenEmbeddingAdapter'))
    iba.estimate([dict(inputs=ids, padding_mask=pm)], 3, progress=False)
    with torch.no_grad():
        h = model.rnn_2(model.rnn_1(model.embed(ids), pm), pm)
    tokens = h[pm].numpy()  # 9 + 6 + 3 real tokens
    assert iba.estimator.count == 18
    np.testing.assert_allclose(iba.estimator.mean.numpy(), tokens.mean(0), atol=1e-6)
    np.testing.assert_allclose(iba.estimator.std.numpy(), tokens.std(0, ddof=1), atol=1e-5)


TEXT_SMALL = dict(adapter=dict(type='TokenEmbeddingAdapter'),
                  feat_iba=dict(beta=15, steps=3, copies=2, sigma=0),
                  gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=1,
                           mask_lr=0.03),
                  input_iba=dict(beta=30, steps=3, lr=0.5, copies=2, sigma=0),
                  critic=dict(type='RecurrentCritic', hidden=8))


def test_text_input_iba_batch_equals_single_and_ignores_padding():
    model = MODELS.build(dict(type='DeepLSTM', vocab_size=40, hidden_dim=16,
                              embedding_dim=8))
    att = InputIBA(model, 'rnn_4', **TEXT_SMALL)
    ids, pm = _batch()
    att.estimate([dict(inputs=ids, padding_mask=pm)], 3, progress=False)
    res = att.attribute(ids, torch.tensor([0, 1, 0]), seeds=[1, 2, 3], padding_mask=pm)
    assert (res.input_masks[~pm] == 0).all() and (res.feat_masks[~pm] == 0).all()
    assert (res.input_masks[pm] > 0).all()
    single = att.attribute(ids[1:2, :6], torch.tensor([1]), seeds=[2],
                           padding_mask=pm[1:2, :6])
    assert torch.allclose(single.input_masks[0], res.input_masks[1, :6], atol=1e-4)
    assert torch.allclose(single.feat_masks[0], res.feat_masks[1, :6], rtol=1e-3)
    assert not model.training
    assert not any(m._forward_hooks for m in model.modules())


def test_huggingface_embed_is_word_embeddings_only():
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    ids, pm = _batch()
    words = model.hf.get_input_embeddings()(ids)
    assert torch.equal(model.embed(ids), words)
    adapter = TokenEmbeddingAdapter()
    assert torch.allclose(adapter.forward(model, model.embed(ids), pm),
                          model.hf(input_ids=ids, attention_mask=pm.long()).logits, atol=1e-5)


def test_iba_on_a_huggingface_layer_ignores_padding():
    model = MODELS.build(dict(type='HuggingFaceClassifier', config=TINY_BERT)).eval()
    ids, pm = _batch()
    iba = IBA(model, 'hf.bert.encoder.layer.0', adapter=dict(type='TokenEmbeddingAdapter'),
              steps=2, copies=2, sigma=0)
    iba.estimate([dict(inputs=ids, padding_mask=pm)], 3, progress=False)
    assert iba.estimator.count == int(pm.sum())
    res = iba.attribute(ids, torch.tensor([0, 1, 0]), padding_mask=pm)
    assert res.input_masks.shape == (3, 9)
    assert (res.input_masks[~pm] == 0).all() and (res.input_masks[pm] > 0).all()
    assert not any(m._forward_hooks for m in model.modules())


@pytest.mark.parametrize('model_cfg, layer', [
    (dict(type='BiLSTMAttention', vocab_size=40, embedding_dim=6, hidden_dim=5,
          attention_dim=4), 'encoder'),
    (dict(type='HuggingFaceClassifier', config=TINY_BERT), 'hf.bert.encoder.layer.0')])
def test_feature_stage_is_identical_with_the_layer_bypassed(model_cfg, layer):
    model = MODELS.build(model_cfg).eval()
    ids, pm = _batch()
    t = torch.tensor([0, 1, 0])
    masks = []
    for skip in (True, False):
        att = IBA(model, layer, adapter=dict(type='TokenEmbeddingAdapter'), steps=4,
                  copies=3, sigma=0)
        att.estimate([dict(inputs=ids, padding_mask=pm)], 3, progress=False)
        if not skip:
            att._skip_layer = False  # the output hook instead
        masks.append(att.attribute(ids, t, seeds=[4, 5, 6], padding_mask=pm).input_masks)
        assert att._skip_layer == skip  # both layers return one tensor
    assert (masks[0][pm] > 0).all() and (masks[0][~pm] == 0).all()
    assert torch.allclose(masks[0], masks[1], atol=1e-6, rtol=1e-5)
    assert 'forward' not in model.get_submodule(layer).__dict__
