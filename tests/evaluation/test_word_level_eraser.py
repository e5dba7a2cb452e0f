"""Metrics on tokenised text: word masks remove whole words (ERASER,
insertion/deletion, sensitivity-N, monotonicity), special tokens stay, also the [SEP]
between two texts; by hand on a model that sums token weights."""
import numpy as np
import pytest
import torch
from conftest import TokenSum, sigmoid

from input_iba.evaluation.text import ERASERFaithfulness, RationaleAgreement
from input_iba.evaluation.vision import InsertionDeletion, Monotonicity, SensitivityN


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


# a pair: [CLS] (0.5) | word 0 = pieces 3, 4 (2 + 0) | [SEP] (0.25) | word 1 = 5 (1),
# word 2 = 6 (0) | [SEP] (0.25): s = 4 with every word, 1 with none; p = sigmoid(2 s)
PAIR = dict(name='pair', inputs=torch.tensor([1, 3, 4, 2, 5, 6, 2]), tokens=['a', 'b', 'c'],
            word_ids=torch.tensor([-1, 0, 0, -1, 1, 2, -1]))
WEIGHTS = [0.0, 0.5, 0.25, 2.0, 0.0, 1.0, 0.0]
TOKENS = dict(type='TokenEmbeddingAdapter')


@pytest.mark.parametrize('baseline', [0.0, 'pad'])  # TokenSum's padding weighs 0
def test_insertion_deletion_on_words_of_a_pair(baseline):
    ev = InsertionDeletion(TokenSum(WEIGHTS), adapter=TOKENS, baseline=baseline)
    rec = ev.evaluate_sample(PAIR, np.array([0.9, 0.1, 0.5]), 0)  # words 0, 2, 1
    assert rec['fractions'] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    # deletion: s = 4, 2 (both pieces of word 0), 2, 1 (the special tokens stay)
    assert rec['deletion'] == pytest.approx(
        [sigmoid(8), sigmoid(4), sigmoid(4), sigmoid(2)], abs=1e-6)
    # insertion from the special tokens alone: s = 1, 3, 3, 4
    assert rec['insertion'] == pytest.approx(
        [sigmoid(2), sigmoid(6), sigmoid(6), sigmoid(8)], abs=1e-6)
    with pytest.raises(ValueError, match='2 values for a document of 3 words'):
        ev.evaluate_sample(PAIR, np.array([0.9, 0.1]), 0)


def test_eraser_and_sensitivity_n_on_words_of_a_pair():
    model = TokenSum(WEIGHTS)
    rec = ERASERFaithfulness(model, fractions=(0.3, )).evaluate_sample(
        PAIR, np.array([0.9, 0.1, 0.5]), 0)
    # word 0 removed: s = 2; word 0 and the special tokens alone: s = 3
    assert rec['comprehensiveness'] == pytest.approx(sigmoid(8) - sigmoid(4), abs=1e-6)
    assert rec['sufficiency'] == pytest.approx(sigmoid(8) - sigmoid(6), abs=1e-6)
    # removing words drops the logit by their weights (2, 1, 0): both pieces go
    ev = SensitivityN(model, adapter=TOKENS, ns=(1, 2), num_subsets=6)
    words = np.array([2.0, 1.0, 0.0])
    assert ev.evaluate_sample(PAIR, words, 0)['correlations'] == pytest.approx([1.0, 1.0])
    assert ev.evaluate_sample(PAIR, np.array([0.0, 1.0, 2.0]), 0)['mean_correlation'] < 0


def test_the_target_of_an_unlabelled_document_is_predicted_from_its_embeddings(tmp_path):
    ev = InsertionDeletion(TokenSum([0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0]), adapter=TOKENS)
    # s = -1 ([CLS] only): class 1; the ids themselves (1, 3, ...) would give class 0
    assert ev.resolve_target(dict(PAIR, target=-1), str(tmp_path / 'input_masks')) == 1


def test_monotonicity_reveals_words_of_a_pair_least_relevant_first():
    ev = Monotonicity(TokenSum(WEIGHTS), adapter=TOKENS, positions_per_step=1)
    rec = ev.evaluate_sample(PAIR, np.array([0.9, 0.1, 0.5]), 0)  # words 1, 2, 0
    # from the special tokens alone: s = 1, 2, 2, 4
    assert rec['scores'] == pytest.approx([sigmoid(2), sigmoid(4), sigmoid(4), sigmoid(8)],
                                          abs=1e-6)
    assert rec['monotonicity'] == 1.0
