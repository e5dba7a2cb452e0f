from .base import AttributionDataset, iter_batches, load_items
from .image_datasets import ImageFolder, ImageNetBoxes, SkimagePhotos, read_voc_boxes
from .transforms import ResizeNormalize

__all__ = ['AttributionDataset', 'iter_batches', 'load_items', 'ImageFolder', 'ImageNetBoxes', 'SkimagePhotos',
           'read_voc_boxes', 'ResizeNormalize']
