from .base import (AttributionResult, BaseAttributor, LayerAttributor,
                   check_targets)
from .attention import Attention
from .empirical_explainer import EmpiricalExplainer, ExplainerNet
from .extremal_perturbation import ExtremalPerturbation
from .gradients import (GradCAM, InputXGradient, IntegratedGradients, Occlusion,
                        Saliency)
from .iba import IBA
from .input_iba import InputIBA
from .marc import MaRC
from .random_baseline import Random

__all__ = [
    'AttributionResult', 'BaseAttributor', 'LayerAttributor', 'check_targets',
    'IBA', 'InputIBA', 'GradCAM', 'InputXGradient', 'IntegratedGradients',
    'Occlusion', 'Saliency', 'Random', 'ExtremalPerturbation', 'MaRC', 'Attention',
    'EmpiricalExplainer', 'ExplainerNet'
]
