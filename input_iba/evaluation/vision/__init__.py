"""Image metrics, one per file."""
from ..ranking import order_ranks, pixel_order
from .background_faithfulness import BackgroundFaithfulness
from .complexity import Complexity, attribution_entropy
from .degradation import Degradation, tile_ranks
from .effective_heat_ratio import EffectiveHeatRatio, effective_heat_ratio, heat_share_ratio
from .effective_heat_share import EffectiveHeatShare
from .faithfulness_correlation import FaithfulnessCorrelation
from .insertion_deletion import InsertionDeletion, path_counts, path_inputs
from .monotonicity import Monotonicity
from .pointing_game import PointingGame, point_hits
from .random_logit import RandomLogit
from .road import ROAD, linear_imputation
from .robustness import LocalLipschitz, MaxSensitivity
from .sanity_check import SanityCheck, parametrised_layers, ssim
from .sensitivity_n import SensitivityN, default_ns, pearson
from .sparseness import Sparseness, gini_index

__all__ = [
    'EffectiveHeatRatio', 'EffectiveHeatShare', 'effective_heat_ratio', 'heat_share_ratio',
    'InsertionDeletion',
    'order_ranks', 'path_counts', 'path_inputs', 'pixel_order', 'PointingGame', 'point_hits',
    'SanityCheck', 'parametrised_layers', 'ssim', 'SensitivityN', 'default_ns',
    'pearson', 'BackgroundFaithfulness', 'Complexity', 'attribution_entropy',
    'Degradation', 'tile_ranks', 'FaithfulnessCorrelation', 'Monotonicity',
    'RandomLogit', 'ROAD', 'linear_imputation', 'LocalLipschitz', 'MaxSensitivity',
    'Sparseness', 'gini_index'
]
