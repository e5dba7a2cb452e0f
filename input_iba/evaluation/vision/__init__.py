"""Image metrics, one per file."""
from ..ranking import order_ranks, pixel_order
from .effective_heat_ratio import EffectiveHeatRatio, effective_heat_ratio
from .insertion_deletion import InsertionDeletion, path_counts, path_inputs
from .pointing_game import PointingGame, point_hits
from .sanity_check import SanityCheck, parametrised_layers, ssim
from .sensitivity_n import SensitivityN, default_ns, pearson

__all__ = [
    'EffectiveHeatRatio', 'effective_heat_ratio', 'InsertionDeletion',
    'order_ranks', 'path_counts', 'path_inputs', 'pixel_order', 'PointingGame', 'point_hits',
    'SanityCheck', 'parametrised_layers', 'ssim', 'SensitivityN', 'default_ns',
    'pearson'
]
