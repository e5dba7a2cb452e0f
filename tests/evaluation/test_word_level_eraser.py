"""ERASER faithfulness on tokenised text: word masks remove whole words,
special tokens stay; by hand on a model that sums token weights."""
import numpy as np
import pytest
import torch

from conftest import TokenSum, sigmoid
from input_iba.evaluation.text import ERASERFaithfulness, RationaleAgreement


def test_word_masks_remove_all_pieces_of_a_word_and_keep_special_tokens():
    # ids: [CLS]=1 (0.5), word 0 = pieces 3, 4 (2 + 0), word 1 = 5 (1),
    # word 2 = 6 (0), [SEP]=2 (0.25): s = 3.75, p = sigmoid(2 s)
    model = TokenSum([0.0, 0.5, 0.25, 2.0, 0.0, 1.0, 0.0])
    item = dict(inputs=torch.tensor([1, 3, 4, 5, 6, 2]), tokens=['a', 'b', 'c'],
                word_ids=torch.tensor([-1, 0, 0, 1, 2, -1]))
    mask = np.array([0.1, 0.9, 0.5])  # top 2 of 3 words: words 1 and 2
    rec = ERASERFaithfulness(model, fractions=(0.34, )).evaluate_sample(item, mask, 0)
    # removed: [CLS] 3 4 [SEP] (s = 2.75); kept alone: [CLS] 5 6 [SEP] (s = 1.75)
    assert rec['comprehensiveness'] == pytest.approx(sigmoid(7.5) - sigmoid(5.5), abs=1e-6)
    assert rec['sufficiency'] == pytest.approx(sigmoid(7.5) - sigmoid(3.5), abs=1e-6)
    # the first word (two pieces) on top: both pieces go
    rec = ERASERFaithfulness(model, fractions=(0.3, )).evaluate_sample(
        item, np.array([0.9, 0.1, 0.5]), 0)
    assert rec['comprehensiveness'] == pytest.approx(sigmoid(7.5) - sigmoid(3.5), abs=1e-6)


def test_rationale_agreement_reads_word_masks():
    item = dict(rationale=np.array([0, 1, 1]), tokens=['a', 'b', 'c'])
    rec = RationaleAgreement().evaluate_sample(item, np.array([0.1, 0.9, 0.5]), 0)
    assert rec['token_f1'] == 1.0 and rec['iou_f1'] == 1.0
