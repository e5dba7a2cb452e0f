from .base import AttributionDataset
from .image_datasets import ImageFolder, ImageNetBoxes, SkimagePhotos, read_voc_boxes
from .transforms import ResizeNormalize

__all__ = ['AttributionDataset', 'ImageFolder', 'ImageNetBoxes', 'SkimagePhotos',
           'read_voc_boxes', 'ResizeNormalize']
