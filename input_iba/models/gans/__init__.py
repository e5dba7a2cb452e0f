from .critics import ConvCritic
from .generator import MaskedNoiseGenerator
from .wgan import BatchedCritics, train_wgan

__all__ = ['ConvCritic', 'MaskedNoiseGenerator', 'BatchedCritics', 'train_wgan']
