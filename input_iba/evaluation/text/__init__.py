"""Text metrics, one per file."""
from .eraser_faithfulness import FRACTIONS, ERASERFaithfulness, top_k_tokens
from .pad_faithfulness import PadFaithfulness
from .rationale_agreement import (
    RationaleAgreement,
    average_precision,
    iou,
    precision_recall_curve,
    spans,
    trapezoid_auprc,
)
from .threshold_agreement import ThresholdAgreement

__all__ = ['ERASERFaithfulness', 'FRACTIONS', 'top_k_tokens', 'RationaleAgreement',
           'average_precision', 'iou', 'precision_recall_curve', 'spans',
           'trapezoid_auprc', 'PadFaithfulness', 'ThresholdAgreement']
