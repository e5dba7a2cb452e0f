from .base import InputAdapter
from .image import ImageAdapter
from .text import TokenEmbeddingAdapter

__all__ = ['InputAdapter', 'ImageAdapter', 'TokenEmbeddingAdapter']
