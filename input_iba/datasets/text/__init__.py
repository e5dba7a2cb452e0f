from input_iba.utils.vocabulary import MASK, PAD, UNK, Vocabulary, tokenize

from .text_datasets import SST2, EraserMovies, TextClassificationDataset, TextFolder
from .text_pairs import TextPairs

__all__ = ['EraserMovies', 'SST2', 'TextClassificationDataset', 'TextFolder', 'TextPairs',
           'Vocabulary', 'tokenize', 'PAD', 'UNK', 'MASK']
