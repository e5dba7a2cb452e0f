from .critics import ChannelsLastConvCritic, ConvCritic, RecurrentCritic
from .generator import MaskedNoiseGenerator
from .wgan import BatchedCritics, train_wgan

__all__ = ['ChannelsLastConvCritic', 'ConvCritic', 'RecurrentCritic', 'MaskedNoiseGenerator',
           'BatchedCritics', 'train_wgan']
