"""Text metrics, one per file."""
from .eraser_faithfulness import ERASERFaithfulness, top_k_tokens
from .perturbation_curves import TextInsertionDeletion, TextSensitivityN
from .rationale_agreement import (RationaleAgreement, average_precision, iou,
                                  spans)

__all__ = ['ERASERFaithfulness', 'top_k_tokens', 'TextInsertionDeletion',
           'TextSensitivityN', 'RationaleAgreement', 'average_precision', 'iou',
           'spans']
