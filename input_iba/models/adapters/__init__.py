from .base import InputAdapter, build_adapter
from .image import ImageAdapter
from .text import TokenEmbeddingAdapter
from .token_image import TokenImageAdapter

__all__ = ['InputAdapter', 'build_adapter', 'ImageAdapter', 'TokenEmbeddingAdapter',
           'TokenImageAdapter']
