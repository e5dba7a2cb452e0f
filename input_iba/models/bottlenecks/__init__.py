from .kl import feature_kl, gaussian_kl, input_kl, masked_mean, mix
from .smoothing import bits, gaussian_kernel1d, smooth2d

__all__ = [
    'feature_kl', 'gaussian_kl', 'input_kl', 'masked_mean', 'mix', 'bits',
    'gaussian_kernel1d', 'smooth2d'
]
