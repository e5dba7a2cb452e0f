"""Agreement of token masks with human rationales (ERASER's token F1,
IOU F1 and AUPRC)."""
import math

import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from ..ranking import pixel_order


def spans(binary):
    """Contiguous runs of ones as ``[(start, end), ...]`` (end exclusive)."""
    padded = np.concatenate([[0], np.asarray(binary, np.int64), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def iou(a, b):
    """Intersection over union of two token spans ``(start, end)``."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / ((a[1] - a[0]) + (b[1] - b[0]) - inter)


def f1(precision, recall):
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def precision_recall_curve(scores, labels):
    """Precision and recall at every distinct score used as a threshold
    (tokens with equal scores enter together), highest threshold first."""
    scores = np.asarray(scores, np.float64)
    order = np.argsort(-scores, kind='stable')
    hits = np.asarray(labels, bool)[order]
    # the last position of each run of equal scores
    ends = np.r_[np.flatnonzero(np.diff(scores[order])), len(hits) - 1]
    true_pos = np.cumsum(hits)[ends]
    return true_pos / (ends + 1), true_pos / hits.sum()


def average_precision(scores, labels):
    """AUPRC as average precision: sum over thresholds of the precision times
    the recall gained (the step-wise area; sklearn's
    ``average_precision_score``). None when no token is relevant."""
    if not np.any(labels):
        return None
    precision, recall = precision_recall_curve(scores, labels)
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def trapezoid_auprc(scores, labels):
    """AUPRC by the trapezoid rule from (recall 0, precision 1) to the first
    point of full recall, as the ERASER reference code computes it (sklearn's
    ``auc(recall, precision)``); optimistic between thresholds."""
    if not np.any(labels):
        return None
    precision, recall = precision_recall_curve(scores, labels)
    last = int(np.argmax(recall >= 1.0))
    return float(np.trapezoid(np.r_[1.0, precision[:last + 1]],
                              np.r_[0.0, recall[:last + 1]]))


@EVALUATORS.register_module()
class RationaleAgreement(MaskEvaluator):
    """Token F1, IOU F1 and AUPRC against ``item['rationale']`` (1 on the
    tokens of human evidence spans); documents without a rationale are
    skipped. Scores are per document, then averaged over documents.

    The soft mask becomes a hard rationale by one of:

    - ``fraction=None, threshold=None`` (default): its top-k tokens, k = the
      document's number of human rationale tokens (scale-free, so methods
      whose scores live on different scales compare fairly; token precision
      then equals token recall);
    - ``fraction``: its top ``ceil(fraction * L)`` tokens (a fixed share of
      each document);
    - ``threshold``: tokens with ``score >= threshold * max(score)``.

    IOU F1: a predicted span (a run of hard-rationale tokens) matches a human
    span when their IoU is at least ``iou_threshold``; precision is the share
    of predicted spans that match, recall the share of human spans matched.
    AUPRC: the average precision of the soft scores (``auprc``; ties scored
    together) and the reference's trapezoid area (``auprc_trapezoid``).
    """
    name = 'rationale_agreement'
    modalities = ('text', )
    summary_keys = ('token_f1', 'iou_f1', 'auprc', 'auprc_trapezoid')
    columns = (('token_f1', 'token F1', True), ('iou_f1', 'IOU F1', True),
               ('auprc', 'AUPRC', True))

    def __init__(self, model=None, fraction=None, threshold=None,
                 iou_threshold=0.5, **kwargs):
        super().__init__(model, **kwargs)
        if fraction is not None and threshold is not None:
            raise ValueError('Give fraction or threshold (or neither, for the '
                             'human rationale length), not both.')
        self.fraction, self.threshold = fraction, threshold
        self.iou_threshold = iou_threshold

    def hard_rationale(self, scores, human):
        """0/1 per token: the selected tokens of the soft ``scores``."""
        if self.threshold is not None:
            top = scores.max()
            return (scores >= self.threshold * top).astype(np.int64)
        k = (int(human.sum()) if self.fraction is None else
             max(1, math.ceil(round(self.fraction * len(scores), 9))))
        selected = np.zeros(len(scores), np.int64)
        selected[pixel_order(scores)[:k].numpy()] = 1
        return selected

    def span_f1(self, pred, human):
        pred_spans, human_spans = spans(pred), spans(human)
        hit = np.array([[iou(p, h) >= self.iou_threshold for h in human_spans]
                        for p in pred_spans], bool).reshape(len(pred_spans), -1)
        precision = hit.any(1).mean() if len(pred_spans) else 0.0
        return f1(float(precision), float(hit.any(0).mean())), hit

    def evaluate_sample(self, item, mask, target):
        human = np.asarray(item.get('rationale', ()), np.int64)
        if human.sum() == 0:
            return None
        scores = np.asarray(mask, np.float64)[:len(human)]
        pred = self.hard_rationale(scores, human)
        overlap = int((pred & human).sum())
        token_f1 = f1(overlap / max(int(pred.sum()), 1), overlap / human.sum())
        iou_f1, hit = self.span_f1(pred, human)
        return dict(target=target, token_f1=token_f1, iou_f1=iou_f1,
                    auprc=average_precision(scores, human),
                    auprc_trapezoid=trapezoid_auprc(scores, human),
                    rationale_tokens=int(human.sum()), selected_tokens=int(pred.sum()),
                    predicted_spans=int(hit.shape[0]), human_spans=int(hit.shape[1]),
                    matched_predicted_spans=int(hit.any(1).sum()),
                    matched_human_spans=int(hit.any(0).sum()))
