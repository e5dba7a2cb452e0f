"""Agreement of token masks with human rationales (ERASER's token F1,
IOU F1 and AUPRC)."""
import numpy as np

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator


def spans(binary):
    """Contiguous runs of ones as ``[(start, end), ...]`` (end exclusive)."""
    padded = np.concatenate([[0], np.asarray(binary, np.int64), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def iou(a, b):
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def f1(precision, recall):
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def average_precision(scores, labels):
    """Area under the precision-recall curve as average precision (the mean
    of the precision at each relevant token, ranked by score; ties broken
    by position)."""
    labels = np.asarray(labels, bool)
    if not labels.any():
        return None
    order = np.argsort(-np.asarray(scores, np.float64), kind='stable')
    hits = labels[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits].mean())


def top_k_binary(scores, k):
    selected = np.zeros(len(scores), np.int64)
    selected[np.argsort(-np.asarray(scores, np.float64), kind='stable')[:k]] = 1
    return selected


@EVALUATORS.register_module()
class RationaleAgreement(MaskEvaluator):
    """Token F1, IOU F1 and AUPRC against ``item['rationale']``.

    The soft mask is made hard by keeping its top-k tokens, k = the number of
    human rationale tokens of the document (so token precision equals token
    recall). A predicted span (a run of kept tokens) matches a human span at
    IoU >= ``iou_threshold``; IOU F1 combines the share of predicted spans
    that match and of human spans that are matched. Scores are per document
    and averaged over documents. Documents without a rationale are skipped.
    """
    name = 'rationale_agreement'
    summary_keys = ('token_f1', 'iou_f1', 'auprc')

    def __init__(self, model=None, iou_threshold=0.5, **kwargs):
        super().__init__(model, **kwargs)
        self.iou_threshold = iou_threshold

    def evaluate_sample(self, item, mask, target):
        human = np.asarray(item.get('rationale', ()), np.int64)
        if human.sum() == 0:
            return None
        scores = np.asarray(mask, np.float64)[:len(human)]
        pred = top_k_binary(scores, int(human.sum()))
        overlap = int((pred & human).sum())
        token_p = overlap / max(pred.sum(), 1)
        token_r = overlap / human.sum()
        pred_spans, human_spans = spans(pred), spans(human)
        matched_pred = sum(any(iou(p, h) >= self.iou_threshold for h in human_spans)
                           for p in pred_spans)
        matched_human = sum(any(iou(p, h) >= self.iou_threshold for p in pred_spans)
                            for h in human_spans)
        iou_p = matched_pred / max(len(pred_spans), 1)
        iou_r = matched_human / len(human_spans)
        return dict(target=target, token_f1=f1(token_p, token_r),
                    iou_f1=f1(iou_p, iou_r), auprc=average_precision(scores, human),
                    rationale_tokens=int(human.sum()))
