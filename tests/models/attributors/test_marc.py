import math

import pytest
import torch
import torch.nn as nn

from input_iba.models.attributors import MaRC
from input_iba.models.attributors.marc import gaussian_mask_1d, gaussian_mask_2d
from input_iba.models.classifiers import TextClassifier


def test_1d_parameterisation_by_hand():
    w = torch.tensor([[1.0, 0.0, 2.0]])
    s = torch.tensor([[1.0, 1.0, 2.0]])
    e = math.exp
    expected = [1 + 2 * e(-1), e(-1) + 2 * e(-1 / 4), e(-4) + 2]
    assert gaussian_mask_1d(w, s)[0].tolist() == pytest.approx(expected, abs=1e-6)


def test_2d_parameterisation_matches_a_double_loop():
    torch.manual_seed(0)
    w, s = torch.randn(2, 5, 6), torch.rand(2, 5, 6) + 0.5
    radius = 2
    got = gaussian_mask_2d(w, s, radius)
    want = torch.zeros_like(w)
    for b in range(2):
        for y in range(5):
            for x in range(6):
                for yy in range(max(0, y - radius), min(5, y + radius + 1)):
                    for xx in range(max(0, x - radius), min(6, x + radius + 1)):
                        d2 = (y - yy)**2 + (x - xx)**2
                        want[b, y, x] += w[b, yy, xx] * math.exp(-d2 / s[b, yy, xx]**2)
    assert torch.allclose(got, want, atol=1e-5)


class SpanReader(TextClassifier):
    """Class 1's logit is 3 x the mean embedding value at positions 3..6."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(torch.ones(5, 1))

    def embed(self, ids):
        return self.emb(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        s = 3 * emb[:, 3:7, 0].mean(1)
        return torch.stack([-s, s], 1)


TEXT_FAST = dict(adapter=dict(type='TokenEmbeddingAdapter'), max_steps=120,
                 min_steps=60, patience=20, lr=0.1)


def test_text_mask_lands_on_the_span_the_model_reads():
    att = MaRC(SpanReader(), **TEXT_FAST)
    ids = torch.ones(1, 16, dtype=torch.long)
    mask = att.attribute(ids, torch.tensor([1]), seeds=[0]).input_masks[0]
    assert mask[3:7].mean() > 0.6 and mask[3:7].mean() > 2 * mask[10:].mean()


class PatchReader(nn.Module):
    def forward(self, x):
        s = 3 * x[:, :, 8:16, 8:16].mean((1, 2, 3))
        return torch.stack([-s, s], 1)


def test_image_mask_lands_on_the_patch_the_model_reads():
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, 8:16, 8:16] = 2.0
    att = MaRC(PatchReader(), window=9, grid_stride=2, baseline='zero',
               max_steps=150, min_steps=100, lr=0.1)
    mask = att.attribute(x, torch.tensor([1]), seeds=[0]).input_masks[0]
    assert mask[8:16, 8:16].mean() > 2 * mask[20:, 20:].mean()


def test_batch_equals_single_and_finished_samples_stop():
    att = MaRC(SpanReader(), **dict(TEXT_FAST, max_steps=100))
    ids = torch.ones(2, 12, dtype=torch.long)
    pm = torch.ones(2, 12, dtype=torch.bool)
    pm[1, 9:] = False
    batch = att.attribute(ids, torch.tensor([1, 0]), seeds=[3, 4], padding_mask=pm)
    single = att.attribute(ids[1:, :9], torch.tensor([0]), seeds=[4],
                           padding_mask=pm[1:, :9])
    assert torch.allclose(batch.input_masks[1, :9], single.input_masks[0], atol=1e-4)
    assert (batch.input_masks[1, 9:] == 0).all()
    assert batch.meta['steps'][1] == single.meta['steps'][0]


def test_chunks_and_blending():
    att = MaRC(SpanReader(), max_length=510, overlap=100, **TEXT_FAST)
    assert att._chunks(1000) == [(0, 510), (410, 920), (820, 1000)]
    assert att._chunks(300) == [(0, 300)]
    att.max_length, att.overlap, att.cfg['max_steps'] = 6, 2, 3
    ids = torch.ones(1, 14, dtype=torch.long)
    res = att.attribute(ids, torch.tensor([1]), seeds=[0])
    assert res.input_masks.shape == (1, 14) and torch.isfinite(res.input_masks).all()


def test_unknown_keys_are_refused():
    with pytest.raises(TypeError, match='unknown keys'):
        MaRC(SpanReader(), adapter=dict(type='TokenEmbeddingAdapter'), lr_rate=1)
