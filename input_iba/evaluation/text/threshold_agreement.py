"""Agreement with human rationales by the protocol of MaRC's authors
(Brinner & Zarrieß; RationalizedTransformerPredictor,
``evaluation/evaluate_span_predictions.py``): per-document AUC-PR, token F1
and span-IoU F1 averaged over 19 thresholds, and their discrete variants at
the human rationale's length."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .rationale_agreement import f1, iou, spans, trapezoid_auprc

#: the shares of the document selected, 5%, 10%, ..., 95%, as the protocol
#: computes them (``np.linspace``; its float values decide the cut-offs)
SHARES = np.linspace(0.05, 0.95, 19)
#: the tie-breaker added to scores scaled to [0, 1]: later words win ties
TIE_BREAK = 1e-5


def scaled(scores):
    """Scores min-max scaled to [0, 1] (a constant map becomes zeros), as
    the protocol stores every method's word scores."""
    scores = np.asarray(scores, np.float64)
    low, span = scores.min(), np.ptp(scores)
    return (scores - low) / span if span > 0 else np.zeros_like(scores)


def token_f1(selected, human):
    """F1 of the selected words against the human ones (0 when nothing is
    selected)."""
    hits = int((selected & human).sum())
    if not hits:
        return 0.0
    return f1(hits / int(selected.sum()), hits / int(human.sum()))


def iou_matrix(human_spans, predicted_spans):
    """IoU of every human span (rows) with every predicted span (columns)."""
    return np.array([[iou(h, p) for p in predicted_spans] for h in human_spans],
                    np.float64).reshape(len(human_spans), len(predicted_spans))


def soft_iou_f1(selected, human_spans):
    """The continuous span F1: precision is the mean over predicted spans of
    their best IoU with a human span, recall the mean over human spans of
    their best IoU with a predicted span (0 when nothing is selected)."""
    predicted = spans(selected)
    if not predicted:
        return 0.0
    overlap = iou_matrix(human_spans, predicted)
    return f1(float(overlap.max(0).mean()), float(overlap.max(1).mean()))


def discrete_iou_f1(selected, human_spans):
    """Span F1 where a predicted and a human span match when their IoU is
    above 0.5."""
    predicted = spans(selected)
    if not predicted:
        return 0.0
    matches = int((iou_matrix(human_spans, predicted) > 0.5).sum())
    return f1(matches / len(predicted), matches / len(human_spans))


def threshold_agreement(scores, human):
    """The protocol's numbers for one document: ``scores`` (one per word,
    already scaled to [0, 1]) against ``human`` (0/1 per word, at least one
    1). Returns ``auc_pr`` (of the raw scores), ``token_f1`` and ``iou_f1``
    (means over the 19 shares of :data:`SHARES`: the words scoring strictly
    above the score at rank ``int((1 - share) * n)`` of the ascending order)
    and ``d_token_f1`` / ``d_iou_f1`` (the top ``k`` words, ``k`` = the
    human rationale's length)."""
    human = np.asarray(human, np.int64)
    scores = np.asarray(scores, np.float64)
    n = len(scores)
    ranked = scores + np.linspace(0, 1, n) * TIE_BREAK
    human_spans, is_human = spans(human), human.astype(bool)
    top_k = ranked >= np.sort(ranked)[-int(human.sum())]
    ascending = np.sort(ranked)
    token, span = [], []
    for share in SHARES:
        selected = ranked > ascending[int((1 - share) * n)]
        token.append(token_f1(selected, is_human))
        span.append(soft_iou_f1(selected, human_spans))
    return dict(auc_pr=trapezoid_auprc(scores, human), token_f1=float(np.mean(token)),
                iou_f1=float(np.mean(span)), d_token_f1=token_f1(top_k, is_human),
                d_iou_f1=discrete_iou_f1(top_k, human_spans))


@EVALUATORS.register_module()
class ThresholdAgreement(MaskEvaluator):
    """Agreement of word masks with human rationales as MaRC's authors score
    it (the columns of their published tables: AUC-PR, token F1, D-token F1,
    IoU F1, D-IoU F1); documents without a rationale are skipped; each
    number is per document, then averaged over documents.

    Each mask is scaled to [0, 1] per document (the protocol stores every
    method's scores so) and ties are broken by ``1e-5`` times the word's
    position in [0, 1]. AUC-PR is the trapezoid area under the
    precision-recall curve of the scaled scores (scikit-learn's
    ``auc(recall, precision)``). Token F1 and IoU F1 average, over the
    shares 5%, 10%, ..., 95%, the F1 of the words above that share's
    cut-off; IoU F1 scores spans by their best IoU, continuously. D-token F1
    and D-IoU F1 select as many words as the human rationale has, and a span
    matches at IoU > 0.5. The protocol's own words are WordPiece words; here
    they are the dataset's words (ERASER's tokens), which for ERASER's
    pre-tokenised reviews mostly coincide.

    The official ERASER discretisation is the metric ``rationale_agreement``;
    tables name which protocol they show.
    """
    name = 'threshold_agreement'
    modalities = ('text', )
    summary_keys = ('auc_pr', 'token_f1', 'd_token_f1', 'iou_f1', 'd_iou_f1')
    columns = (('auc_pr', 'AUC-PR', True), ('token_f1', 'token F1', True),
               ('d_token_f1', 'D-token F1', True), ('iou_f1', 'IoU F1', True),
               ('d_iou_f1', 'D-IoU F1', True))
    empty_reason = 'no document has a human rationale'

    def evaluate_sample(self, item, mask, target):
        human = np.asarray(item.get('rationale', ()), np.int64)
        if human.sum() == 0:
            return None
        scores = scaled(np.asarray(mask, np.float64)[:len(human)])
        return dict(target=target, **threshold_agreement(scores, human),
                    rationale_words=int(human.sum()), words=len(human))
