from .base import InputAdapter
from .image import ImageAdapter
from .text import TokenEmbeddingAdapter
from .token_image import TokenImageAdapter

__all__ = ['InputAdapter', 'ImageAdapter', 'TokenEmbeddingAdapter',
           'TokenImageAdapter']
