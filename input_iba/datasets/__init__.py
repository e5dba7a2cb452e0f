from .augmented import AugmentedCopies, random_crop_flip
from .base import AttributionDataset, iter_batches, load_items
from .concat import ConcatDatasets
from .confident import ConfidentSamples
from .image_datasets import ImageFolder, ImageNetBoxes, SkimagePhotos, read_voc_boxes
from .subset import Subset
from .text import SST2, EraserMovies, TextClassificationDataset, TextFolder, TextPairs, Vocabulary
from .transforms import ResizeNormalize

__all__ = ['AugmentedCopies', 'ConcatDatasets', 'ConfidentSamples', 'random_crop_flip',
           'AttributionDataset', 'iter_batches', 'load_items', 'ImageFolder', 'ImageNetBoxes',
           'SkimagePhotos',
           'read_voc_boxes', 'ResizeNormalize', 'Subset', 'EraserMovies', 'SST2',
           'TextClassificationDataset', 'TextFolder', 'TextPairs', 'Vocabulary']
