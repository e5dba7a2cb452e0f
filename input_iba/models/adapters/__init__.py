from .base import InputAdapter
from .image import ImageAdapter

__all__ = ['InputAdapter', 'ImageAdapter']
