import math

import pytest
import torch
import torch.nn as nn

from input_iba.models.adapters import ImageAdapter, TokenEmbeddingAdapter
from input_iba.models.attributors import MaRC
from input_iba.models.attributors._utils.gaussian_kernels import (
    gaussian_mask_1d,
    gaussian_mask_2d,
    total_variation,
)
from input_iba.models.classifiers import TextClassifier
from input_iba.utils.words import blend_chunks, word_chunks

e = math.exp


def test_1d_parameterisation_by_hand():
    w = torch.tensor([[1.0, 0.0, 2.0]])
    s = torch.tensor([[1.0, 1.0, 2.0]])
    # exponent 2: exp(-d^2 / s^2); source 2 has s^2 = 4
    want = [1 + 2 * e(-4 / 4), e(-1) + 2 * e(-1 / 4), e(-4) + 2]
    assert gaussian_mask_1d(w, s)[0].tolist() == pytest.approx(want, abs=1e-6)
    # exponent 1 (the image reference): exp(-d^2 / s)
    want = [1 + 2 * e(-4 / 2), e(-1) + 2 * e(-1 / 2), e(-4) + 2]
    assert gaussian_mask_1d(w, s, exponent=1)[0].tolist() == pytest.approx(want, abs=1e-6)
    # the mask of position 1: sigmoid(e^-1 + 2 e^-1/4) = sigmoid(1.9254) = 0.8727
    lam = torch.sigmoid(gaussian_mask_1d(w, s))[0, 1]
    assert float(lam) == pytest.approx(1 / (1 + e(-(e(-1) + 2 * e(-0.25)))), abs=1e-6)
    assert float(lam) == pytest.approx(0.8727, abs=1e-4)


def test_2d_parameterisation_matches_a_double_loop_with_replicated_borders():
    torch.manual_seed(0)
    w, s = torch.randn(2, 5, 6, dtype=torch.float64), torch.rand(2, 5, 6, dtype=torch.float64) + 0.5
    radius = 2
    want = torch.zeros_like(w)
    for b in range(2):
        for y in range(5):
            for x in range(6):
                for dy in range(-radius, radius + 1):
                    for dx in range(-radius, radius + 1):
                        yy, xx = min(max(y + dy, 0), 4), min(max(x + dx, 0), 5)
                        want[b, y, x] += w[b, yy, xx] * math.exp(
                            -(dy * dy + dx * dx) / s[b, yy, xx]**2)
    assert torch.allclose(gaussian_mask_2d(w, s, radius), want, atol=1e-10)
    # the checkpointed backward equals the one of a plain computation
    w1, s1 = w.clone().requires_grad_(), s.clone().requires_grad_()
    (gaussian_mask_2d(w1, s1, radius)**2).sum().backward()
    with torch.no_grad():
        plain_grad = torch.autograd.functional.vjp(
            lambda a, c: (gaussian_mask_2d(a, c, radius)**2).sum(), (w, s))[1]
    assert torch.allclose(w1.grad, plain_grad[0]) and torch.allclose(s1.grad, plain_grad[1])


def test_total_variation_by_hand():
    lam = torch.tensor([[[0.0, 1.0], [0.0, 0.0]]])
    # right: 1, down: 1, diagonal (0,0)-(1,1): 0, anti-diagonal (0,1)-(1,0): 1
    assert float(total_variation(lam)) == pytest.approx(3 / 4)


class SpanReader(TextClassifier):
    """Class 1's logit is the sum of the embedding values at positions 3..6
    (token 0 is padding, embedded as 0; other tokens as 1)."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(torch.tensor([[0.0]] + [[1.0]] * 4))

    def embed(self, ids):
        return self.emb(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        s = emb[:, 3:7, 0].sum(1)
        return torch.stack([-s, s], 1)


TEXT_FAST = dict(adapter=dict(type='TokenEmbeddingAdapter'), max_steps=150,
                 min_steps=100, lr=0.1)


def test_text_mask_lands_on_the_span_the_model_reads():
    att = MaRC(SpanReader(), **TEXT_FAST)
    ids = torch.ones(1, 16, dtype=torch.long)
    mask = att.attribute(ids, torch.tensor([1]), seeds=[0]).input_masks[0]
    assert mask[3:7].min() > 0.5
    assert mask[3:7].mean() > 3 * torch.cat([mask[:2], mask[9:]]).mean()


class PatchReader(nn.Module):
    def forward(self, x):
        s = 3 * x[:, :, 8:16, 8:16].mean((1, 2, 3))
        return torch.stack([-s, s], 1)


IMAGE_FAST = dict(window=9, grid_stride=2, baselines=('mean', ), max_steps=150,
                  min_steps=100, lr=0.1)


def test_image_mask_lands_on_the_patch_the_model_reads():
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 8:16, 8:16] = 2.0
    att = MaRC(PatchReader(), **IMAGE_FAST)
    mask = att.attribute(x, torch.tensor([1]), seeds=[0]).input_masks[0]
    assert mask.shape == (32, 32)
    assert mask[9:15, 9:15].mean() > 0.5 > mask[22:, 22:].mean()


def test_a_stopped_sample_stops_changing_while_the_batch_goes_on():
    att = MaRC(SpanReader(), **dict(TEXT_FAST, max_steps=12))
    rule = att._stop

    def stop_row0_at_step5(state, mean_mask, step):
        rule(state, mean_mask, step)
        return torch.tensor([step == 5, False])

    att._stop = stop_row0_at_step5
    ids = torch.ones(2, 10, dtype=torch.long)
    res = att.attribute(ids, torch.tensor([1, 1]), seeds=[0, 1])
    assert res.meta['steps'].tolist() == [6, 12]
    # row 0's mask is the one of its 6th step (5 updates), row 1 had 12 steps
    att5 = MaRC(SpanReader(), **dict(TEXT_FAST, max_steps=5))
    att12 = MaRC(SpanReader(), **dict(TEXT_FAST, max_steps=12))
    assert torch.allclose(res.input_masks[0], att5.attribute(
        ids[:1], torch.tensor([1]), seeds=[0]).input_masks[0], atol=1e-6)
    assert torch.allclose(res.input_masks[1], att12.attribute(
        ids[1:], torch.tensor([1]), seeds=[1]).input_masks[0], atol=1e-6)


def test_stopping_rules_by_hand():
    att = MaRC(SpanReader(), adapter=dict(type='TokenEmbeddingAdapter'))
    state = dict(last=torch.ones(3), ema=None)
    means = torch.tensor([0.30, 0.50, 0.15])
    assert not att._stop(state, means, 49).any()  # not a check step
    assert not att._stop(state, means, 50).any()  # change 0.7, 0.5, 0.85
    # at step 100 (before min_steps 200): only a mean below early_below (0.3)
    # with a change < 1/200 (or < 1/80 and a mean < 0.2) stops
    now = torch.tensor([0.297, 0.498, 0.16])
    assert att._stop(state, now, 100).tolist() == [True, False, True]
    # at step 250: the second row's mean 0.497 is above max_mean_mask 0.45
    assert att._stop(state, now - 0.001, 250).tolist() == [True, False, True]
    img = MaRC(PatchReader(), window=9)
    state = dict(last=torch.ones(1), ema=None)
    img._stop(state, torch.tensor([0.4]), 0)  # ema = 0.6
    assert float(state['ema']) == pytest.approx(0.6)
    img._stop(state, torch.tensor([0.38]), 1)  # 0.95 * 0.6 + 0.05 * 0.02
    assert float(state['ema']) == pytest.approx(0.571)


def test_word_chunks_and_blending_by_hand():
    assert word_chunks([1] * 1000, 510, 100) == [(0, 510), (410, 920), (820, 1000)]
    assert word_chunks([1] * 300, 510, 100) == [(0, 300)]
    # words of 2 tokens: 5 words per 10-token chunk, overlap of 4 tokens = 2 words
    assert word_chunks([2] * 8, 10, 4) == [(0, 5), (3, 8)]
    chunks = [(0, 6), (4, 10)]
    blended = blend_chunks(chunks, [torch.ones(6), torch.zeros(6)], 10)
    assert blended.tolist() == pytest.approx([1, 1, 1, 1, 2 / 3, 1 / 3, 0, 0, 0, 0])


def test_long_documents_are_chunked_and_blended():
    att = MaRC(SpanReader(), max_length=8, overlap=3, **dict(TEXT_FAST, max_steps=5))
    ids = torch.ones(1, 20, dtype=torch.long)
    res = att.attribute(ids, torch.tensor([1]), seeds=[0])
    assert res.meta['chunks'].tolist() == [4.0]
    assert res.input_masks.shape == (1, 20) and (res.input_masks[0] > 0).all()
    # a document that fits one chunk gives the same as no chunking at all
    short = ids[:, :8]
    unchunked = MaRC(SpanReader(), max_length=None, **dict(TEXT_FAST, max_steps=5))
    assert torch.allclose(att.attribute(short, torch.tensor([1]), seeds=[0]).input_masks,
                          unchunked.attribute(short, torch.tensor([1]), seeds=[0]).input_masks)


def test_word_pieces_share_one_value_and_special_tokens_stay():
    att = MaRC(SpanReader(), **dict(TEXT_FAST, max_steps=30, snap=0.0))
    ids = torch.ones(1, 10, dtype=torch.long)
    word_ids = torch.tensor([[-1, 0, 1, 1, 2, 3, 3, 3, 4, -1]])
    mask = att.attribute(ids, torch.tensor([1]), seeds=[0], word_ids=word_ids).input_masks[0]
    assert mask[0] == 0 and mask[9] == 0
    assert mask[2] == mask[3] and mask[5] == mask[6] == mask[7]
    assert mask[1] != mask[2]
    with pytest.raises(ValueError, match='contiguous'):
        att.attribute(ids, torch.tensor([1]), word_ids=torch.tensor(
            [[0, 1, 0, 2, 3, 4, 5, 6, 7, 8]]))


def test_huggingface_model_through_inputs_embeds_with_chunks():
    pytest.importorskip('transformers')
    from input_iba.models.classifiers import HuggingFaceClassifier
    torch.manual_seed(0)
    model = HuggingFaceClassifier(config=dict(
        model_type='bert', vocab_size=50, hidden_size=16, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64,
        pad_token_id=0))
    ids = torch.randint(5, 50, (1, 24))
    ids[0, 0], ids[0, -1] = 2, 3  # [CLS] ... [SEP]
    word_ids = torch.tensor([[-1] + [i // 2 for i in range(22)] + [-1]])
    att = MaRC(model, max_length=10, overlap=4, **dict(TEXT_FAST, max_steps=3))
    res = att.attribute(ids, torch.tensor([1]), seeds=[0], word_ids=word_ids)
    mask = res.input_masks[0]
    assert res.meta['chunks'].item() > 1 and mask[0] == 0 and mask[-1] == 0
    assert torch.equal(mask[1:23:2], mask[2:23:2]) and (mask[1:23] > 0).all()


def test_baseline_inputs():
    x = torch.zeros(1, 3, 2, 2)
    adapter = ImageAdapter(pixel_mean=(0.5, 0.4, 0.5), pixel_std=(0.5, 0.2, 0.25))
    black = adapter.baseline_input(None, x, 'black')
    white = adapter.baseline_input(None, x, 'white')
    assert black[0, :, 0, 0].tolist() == pytest.approx([-1, -2, -2])
    assert white[0, :, 0, 0].tolist() == pytest.approx([1, 3, 2])
    pad = TokenEmbeddingAdapter().baseline_input(SpanReader(), torch.ones(2, 3, 1))
    assert pad.shape == (2, 3, 1) and (pad == 0).all()


def test_unknown_keys_are_refused():
    with pytest.raises(TypeError, match='unknown keys'):
        MaRC(SpanReader(), adapter=dict(type='TokenEmbeddingAdapter'), lr_rate=1)


@pytest.mark.parametrize('name', ['eraser_movies', 'efficientnet_lite0_imagenet',
                                  'compare_eraser_movies',
                                  'compare_efficientnet_lite0_imagenet'])
def test_configs_build_a_marc(name):
    import os.path as osp

    from input_iba.apis.builders import build_attributor, config_adapter, load_config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    cfg = load_config(osp.join(repo, 'configs', 'marc', name + '.py'), required=('model', ))
    att_cfg = cfg.methods.MaRC if 'methods' in cfg else cfg.attributor
    model = SpanReader() if 'eraser' in name else PatchReader()
    att = build_attributor(att_cfg, model, config_adapter(cfg))
    assert isinstance(att, MaRC) and att.is_text == ('eraser' in name)
