"""Text metrics, one per file."""
from .eraser_faithfulness import FRACTIONS, ERASERFaithfulness, top_k_tokens
from .insertion_deletion import TextInsertionDeletion
from .rationale_agreement import (RationaleAgreement, average_precision, iou,
                                  precision_recall_curve, spans, trapezoid_auprc)
from .sensitivity_n import TextSensitivityN

__all__ = ['ERASERFaithfulness', 'FRACTIONS', 'top_k_tokens', 'TextInsertionDeletion',
           'TextSensitivityN', 'RationaleAgreement', 'average_precision', 'iou',
           'precision_recall_curve', 'spans', 'trapezoid_auprc']
