from .attention import Attention
from .base import AttributionResult, BaseAttributor, LayerAttributor, check_targets
from .deeplift import DeepLift, DeepLiftShap
from .empirical_explainer import EmpiricalExplainer, ExplainerNet
from .extremal_perturbation import ExtremalPerturbation
from .feature_ablation import FeatureAblation
from .grad_cam import GradCAM
from .grad_cam_plus_plus import GradCAMPlusPlus
from .gradient_shap import GradientShap
from .gradients import InputXGradient, IntegratedGradients, Occlusion, Saliency
from .guided_backprop import GuidedBackprop
from .guided_grad_cam import GuidedGradCAM
from .iba import IBA
from .input_iba import InputIBA
from .kernel_shap import KernelShap
from .layer_cam import LayerCAM
from .lime import Lime
from .marc import MaRC
from .mutual_information import MutualInformation
from .random_baseline import Random
from .rise import RISE
from .score_cam import ScoreCAM
from .shapley_sampling import ShapleyValueSampling
from .smoothgrad import SmoothGrad

__all__ = [
    'AttributionResult', 'BaseAttributor', 'LayerAttributor', 'check_targets',
    'IBA', 'InputIBA', 'GradCAM', 'InputXGradient', 'IntegratedGradients',
    'Occlusion', 'Saliency', 'Random', 'ExtremalPerturbation', 'MaRC', 'Attention',
    'EmpiricalExplainer', 'ExplainerNet', 'DeepLift', 'DeepLiftShap',
    'FeatureAblation', 'GradCAMPlusPlus', 'GradientShap', 'GuidedBackprop', 'GuidedGradCAM',
    'KernelShap', 'LayerCAM', 'Lime', 'MutualInformation', 'RISE', 'ScoreCAM',
    'ShapleyValueSampling', 'SmoothGrad'
]
