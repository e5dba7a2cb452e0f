from .text_datasets import EraserMovies, SST2, TextClassificationDataset, TextFolder
from .vocab import MASK, PAD, UNK, Vocabulary, tokenize

__all__ = ['EraserMovies', 'SST2', 'TextClassificationDataset', 'TextFolder',
           'Vocabulary', 'tokenize', 'PAD', 'UNK', 'MASK']
