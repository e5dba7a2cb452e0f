"""Text metrics on hand-made cases with known answers."""
import math

import numpy as np
import pytest
import torch
import torch.nn as nn

from input_iba.evaluation.text import (ERASERFaithfulness, RationaleAgreement,
                                       TextInsertionDeletion, average_precision,
                                       spans)
from input_iba.models.classifiers import TextClassifier


class TokenSum(TextClassifier):
    """Each token id has a weight; logits = [s, -s], s = sum of real weights."""

    def __init__(self, weights):
        super().__init__()
        self.weights = nn.Embedding.from_pretrained(torch.tensor(weights)[:, None])

    def embed(self, ids):
        return self.weights(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        s = (emb[..., 0] * padding_mask).sum(1)
        return torch.stack([s, -s], 1)


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def test_spans_and_average_precision():
    assert spans([0, 1, 1, 0, 1]) == [(1, 3), (4, 5)]
    assert average_precision([0.9, 0.1, 0.8], [1, 0, 1]) == pytest.approx(1.0)
    assert average_precision([0.1, 0.9, 0.8], [1, 0, 1]) == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_rationale_agreement_perfect_and_by_hand():
    human = np.array([0, 1, 1, 1, 0, 0, 1, 1, 0, 0])
    ev = RationaleAgreement()
    perfect = ev.evaluate_sample(dict(rationale=human), human.astype(float), 0)
    assert perfect['token_f1'] == perfect['iou_f1'] == perfect['auprc'] == 1.0
    scores = np.array([0, 0.4, 0.9, 0.8, 0.7, 0, 0.3, 0.6, 0.5, 0])
    rec = ev.evaluate_sample(dict(rationale=human), scores, 0)
    # top-5 = {2, 3, 4, 7, 8}; overlap {2, 3, 7}
    assert rec['token_f1'] == pytest.approx(0.6)
    # predicted spans (2,5), (7,9) vs human (1,4), (6,8): IoU 2/4 = 0.5 (match), 1/3
    assert rec['iou_f1'] == pytest.approx(0.5)
    # ranking 2T 3T 4F 7T 8F 1T 6T ...: precisions 1, 1, 3/4, 4/6, 5/7
    assert rec['auprc'] == pytest.approx((1 + 1 + 3 / 4 + 4 / 6 + 5 / 7) / 5)
    assert ev.evaluate_sample(dict(rationale=np.zeros(4)), np.ones(4), 0) is None


def test_comprehensiveness_and_sufficiency_by_hand():
    model = TokenSum([0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0])
    ids = torch.tensor([3, 4, 5, 6])  # weights 2, 0, 1, 0: s = 3
    mask = np.array([0.9, 0.1, 0.5, 0.2])  # top half = tokens 0 and 2
    ev = ERASERFaithfulness(model, fractions=(0.5, ))
    rec = ev.evaluate_sample(dict(inputs=ids), mask, 0)
    assert rec['comprehensiveness'] == pytest.approx(sigmoid(6) - 0.5, abs=1e-6)
    assert rec['sufficiency'] == pytest.approx(0.0, abs=1e-6)
    masked = ERASERFaithfulness(model, fractions=(0.5, ), removal='mask', mask_id=0)
    assert masked.evaluate_sample(dict(inputs=ids), mask, 0)['comprehensiveness'] == \
        pytest.approx(sigmoid(6) - 0.5, abs=1e-6)
    # the worst ordering: removing the two zero-weight tokens changes nothing
    worst = ev.evaluate_sample(dict(inputs=ids), -mask, 0)
    assert worst['comprehensiveness'] == pytest.approx(0.0, abs=1e-6)
    assert worst['sufficiency'] == pytest.approx(sigmoid(6) - 0.5, abs=1e-6)


def test_text_deletion_curve_by_hand():
    model = TokenSum([0.0, 0.0, 0.0, 2.0, 0.0, 1.0])
    ids = torch.tensor([3, 4, 5])  # weights 2, 0, 1
    ev = TextInsertionDeletion(model)
    rec = ev.evaluate_sample(dict(inputs=ids, name='d'), np.array([0.9, 0.1, 0.5]), 0)
    # deleting token 0, then 2, then 1: s = 3, 1, 0, 0
    assert rec['deletion'] == pytest.approx([sigmoid(6), sigmoid(2), 0.5, 0.5], abs=1e-6)
    assert rec['insertion'] == pytest.approx([0.5, sigmoid(4), sigmoid(6), sigmoid(6)],
                                             abs=1e-6)
