from .critics import ConvCritic, RecurrentCritic
from .generator import MaskedNoiseGenerator
from .wgan import BatchedCritics, train_wgan

__all__ = ['ConvCritic', 'RecurrentCritic', 'MaskedNoiseGenerator', 'BatchedCritics', 'train_wgan']
