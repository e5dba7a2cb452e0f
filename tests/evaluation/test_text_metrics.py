"""Text metrics on hand-made cases with known answers."""
import numpy as np
import pytest
import torch
from conftest import TokenSum, requires_shared_data, sigmoid

from input_iba.datasets import EraserMovies
from input_iba.evaluation.text import (
    FRACTIONS,
    ERASERFaithfulness,
    RationaleAgreement,
    average_precision,
    iou,
    spans,
    trapezoid_auprc,
)
from input_iba.evaluation.vision import InsertionDeletion
from input_iba.models.classifiers import DeepLSTM
from input_iba.registry import EVALUATORS

HUMAN = np.array([0, 1, 1, 1, 0, 0, 1, 1, 0, 0])  # spans (1, 4), (6, 8)
SCORES = np.array([0, 0.4, 0.9, 0.8, 0.7, 0, 0.3, 0.6, 0.5, 0])


def test_spans_iou_and_average_precision():
    assert spans([0, 1, 1, 0, 1]) == [(1, 3), (4, 5)]
    assert iou((2, 5), (1, 4)) == 0.5 and iou((0, 2), (5, 7)) == 0.0
    assert iou((7, 9), (6, 8)) == pytest.approx(1 / 3)
    assert average_precision([0.9, 0.1, 0.8], [1, 0, 1]) == pytest.approx(1.0)
    assert average_precision([0.1, 0.9, 0.8], [1, 0, 1]) == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert average_precision([0.3, 0.2], [0, 0]) is None


def test_tied_scores_enter_together():
    # thresholds 1 (p 1/2, r 1/2) and 0 (p 1/2, r 1): AP = 1/2 wherever the
    # relevant token sits among the ties (ranking by position would give 5/6)
    for labels in ([1, 0, 1, 0], [0, 1, 0, 1]):
        assert average_precision([1, 1, 0, 0], labels) == pytest.approx(0.5)
        # trapezoid through (0, 1), (1/2, 1/2), (1, 1/2)
        assert trapezoid_auprc([1, 1, 0, 0], labels) == pytest.approx(0.625)


def test_rationale_agreement_perfect_and_by_hand():
    ev = RationaleAgreement()
    perfect = ev.evaluate_sample(dict(rationale=HUMAN), HUMAN.astype(float), 0)
    assert perfect['token_f1'] == perfect['iou_f1'] == perfect['auprc'] == 1.0
    assert perfect['auprc_trapezoid'] == 1.0
    rec = ev.evaluate_sample(dict(rationale=HUMAN), SCORES, 0)
    # top-5 = {2, 3, 4, 7, 8}; overlap {2, 3, 7}
    assert rec['token_f1'] == pytest.approx(0.6)
    # predicted spans (2,5), (7,9) vs human (1,4), (6,8): IoU 2/4 = 0.5 (match), 1/3
    assert rec['iou_f1'] == pytest.approx(0.5)
    assert (rec['matched_predicted_spans'], rec['predicted_spans']) == (1, 2)
    # ranking 2T 3T 4F 7T 8F 1T 6T ...: precisions 1, 1, 3/4, 4/6, 5/7
    assert rec['auprc'] == pytest.approx((1 + 1 + 3 / 4 + 4 / 6 + 5 / 7) / 5)
    # (recall, precision): (0,1) (.2,1) (.4,1) (.4,2/3) (.6,3/4) (.6,.6) (.8,4/6) (1,5/7)
    assert rec['auprc_trapezoid'] == pytest.approx(
        0.2 + 0.2 + 0.1 * (2 / 3 + 3 / 4) + 0.1 * (0.6 + 4 / 6) + 0.1 * (4 / 6 + 5 / 7))
    assert ev.evaluate_sample(dict(rationale=np.zeros(4)), np.ones(4), 0) is None


def test_rationale_agreement_fraction_and_threshold():
    # top ceil(0.3 * 10) = 3 tokens {2, 3, 4}: P 2/3, R 2/5; span (2,5) matches (1,4)
    rec = RationaleAgreement(fraction=0.3).evaluate_sample(dict(rationale=HUMAN), SCORES, 0)
    assert rec['token_f1'] == pytest.approx(0.5)
    assert rec['iou_f1'] == pytest.approx(2 / 3)
    # scores >= 0.6 * 0.9 = 0.54: {2, 3, 4, 7}: P 3/4, R 3/5; (2,5) and (7,8) both match
    rec = RationaleAgreement(threshold=0.6).evaluate_sample(dict(rationale=HUMAN), SCORES, 0)
    assert rec['token_f1'] == pytest.approx(2 / 3)
    assert rec['iou_f1'] == pytest.approx(1.0)
    with pytest.raises(ValueError, match='not both'):
        RationaleAgreement(fraction=0.3, threshold=0.5)


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


@pytest.mark.parametrize('removal', ['delete', 'pad'])
def test_comprehensiveness_and_sufficiency_over_fractions(removal):
    model = TokenSum([0.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0])
    ids = torch.tensor([3, 4, 5, 6])  # weights 2, 0, 1, 0; full p = sigmoid(6)
    mask = np.array([0.9, 0.1, 0.5, 0.2])  # order 0, 2, 3, 1
    # k = ceil(f * 4): 1, 2, 4; removing all 4 leaves an empty document (p 1/2)
    ev = ERASERFaithfulness(model, fractions=(0.05, 0.3, 0.95), removal=removal)
    rec = ev.evaluate_sample(dict(inputs=ids), mask, 0)
    full = sigmoid(6)
    rest = [sigmoid(2), 0.5, 0.5]  # s without the top k: 1, 0, 0
    kept = [sigmoid(4), full, full]  # s of the top k only: 2, 3, 3
    assert rec['comprehensiveness_per_fraction'] == pytest.approx([full - p for p in rest],
                                                                  abs=1e-6)
    assert rec['sufficiency_per_fraction'] == pytest.approx([full - p for p in kept], abs=1e-6)
    assert rec['comprehensiveness'] == pytest.approx(np.mean([full - p for p in rest]), abs=1e-6)


def test_fraction_presets_and_errors():
    model = TokenSum([0.0, 1.0])
    assert ERASERFaithfulness(model).fractions == FRACTIONS['default']
    assert FRACTIONS['default'][:3] == (0.05, 0.1, 0.15) and len(FRACTIONS['default']) == 19
    assert ERASERFaithfulness(model, fractions='eraser').fractions == (0.01, 0.05, 0.1, 0.2, 0.5)
    with pytest.raises(ValueError, match='Unknown fractions'):
        ERASERFaithfulness(model, fractions='all')
    with pytest.raises(ValueError, match='removal'):
        ERASERFaithfulness(model, removal='zero')


@pytest.mark.parametrize('removal', ['delete', 'mask'])
def test_eraser_batches_equal_single_documents(removal):
    """Perturbed documents of different lengths share padded batches: the
    padding must not change any probability of a real recurrent model."""
    torch.manual_seed(0)
    model = DeepLSTM(vocab_size=30, embedding_dim=6, hidden_dim=8, num_layers=2,
                     dropout=0.0).eval()
    ids = torch.randint(3, 30, (23, ))
    mask = np.random.default_rng(0).random(23)
    records = [ERASERFaithfulness(model, batch_size=b, removal=removal)
               .evaluate_sample(dict(inputs=ids), mask, 1) for b in (1, 64)]
    for key in ('comprehensiveness_per_fraction', 'sufficiency_per_fraction'):
        assert records[0][key] == pytest.approx(records[1][key], abs=1e-6)


def test_text_deletion_curve_by_hand():
    model = TokenSum([0.0, 0.0, 0.0, 2.0, 0.0, 1.0])
    ids = torch.tensor([3, 4, 5])  # weights 2, 0, 1
    ev = InsertionDeletion(model, adapter=dict(type='TokenEmbeddingAdapter'))
    rec = ev.evaluate_sample(dict(inputs=ids, name='d'), np.array([0.9, 0.1, 0.5]), 0)
    # deleting token 0, then 2, then 1: s = 3, 1, 0, 0
    assert rec['deletion'] == pytest.approx([sigmoid(6), sigmoid(2), 0.5, 0.5], abs=1e-6)
    assert rec['insertion'] == pytest.approx([0.5, sigmoid(4), sigmoid(6), sigmoid(6)],
                                             abs=1e-6)


def test_text_sensitivity_n_of_a_linear_model():
    """Removing a set of tokens drops the logit by the sum of their weights,
    so the weights themselves correlate perfectly (and their negation at -1)."""
    weights = [0.0, 0.0, 0.0, 0.5, 1.0, 2.0, -1.0, 3.0, 0.25]
    model = TokenSum(weights)
    ids = torch.arange(3, 9)
    ev = EVALUATORS.build(dict(type='SensitivityN', model=model, ns=(1, 2, 3),
                               num_subsets=12, adapter=dict(type='TokenEmbeddingAdapter')))
    exact = np.array(weights[3:])
    rec = ev.evaluate_sample(dict(inputs=ids, name='doc'), exact, 0)
    assert rec['correlations'] == pytest.approx([1.0] * 3)
    assert ev.evaluate_sample(dict(inputs=ids, name='doc'), -exact, 0)['mean_correlation'] == \
        pytest.approx(-1.0)


@requires_shared_data
def test_human_rationale_as_mask_on_real_documents():
    dataset = EraserMovies(split='val', num_samples=3, min_freq=1)
    ev = RationaleAgreement()
    for i in range(len(dataset)):
        item = dataset[i]
        assert item['rationale'].sum() > 0
        rec = ev.evaluate_sample(item, item['rationale'].astype(np.float32), item['target'])
        assert rec['token_f1'] == rec['iou_f1'] == rec['auprc'] == 1.0
