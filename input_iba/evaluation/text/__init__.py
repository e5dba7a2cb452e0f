"""Text metrics, one per file."""
from .eraser_faithfulness import FRACTIONS, ERASERFaithfulness, top_k_tokens
from .rationale_agreement import (
    RationaleAgreement,
    average_precision,
    iou,
    precision_recall_curve,
    spans,
    trapezoid_auprc,
)

__all__ = ['ERASERFaithfulness', 'FRACTIONS', 'top_k_tokens', 'RationaleAgreement',
           'average_precision', 'iou', 'precision_recall_curve', 'spans',
           'trapezoid_auprc']
