from .base import (AttributionResult, BaseAttributor, LayerAttributor,
                   check_targets)
from .iba import IBA
from .input_iba import InputIBA

__all__ = [
    'AttributionResult', 'BaseAttributor', 'LayerAttributor', 'check_targets',
    'IBA', 'InputIBA'
]
