"""Pairs of texts (premise and hypothesis, as SNLI and MNLI) in a TSV or
JSONL file with named fields."""
import csv
import io
import os.path as osp

import numpy as np

from input_iba.registry import DATASETS
from input_iba.utils import read_jsonl, read_text, require_dir
from input_iba.utils.vocabulary import tokenize

from .text_datasets import TextClassificationDataset, file_safe


def _rows(path):
    """The rows of a ``.jsonl`` (one object a line) or ``.tsv`` (a header
    line, no quoting, as GLUE and SNLI write them) file, as dicts."""
    if path.endswith('.jsonl'):
        return read_jsonl(path)
    return list(csv.DictReader(io.StringIO(read_text(path)), delimiter='\t',
                               quoting=csv.QUOTE_NONE))


def _rationale(row, field, words, name):
    """One segment's human rationale: a 0/1 list with one entry per word."""
    values = np.asarray(row[field], dtype=np.int64)
    if len(values) != len(words):
        raise ValueError(f'{name}: {field!r} has {len(values)} entries for '
                         f'{len(words)} words.')
    return values


@DATASETS.register_module()
class TextPairs(TextClassificationDataset):
    """Two texts and a label per row of ``root/<split>.jsonl`` or
    ``root/<split>.tsv`` (the JSONL if both exist). Tokenised as a pair
    (``tokenizer=`` is required): ``[CLS] a [SEP] b [SEP]`` for BERT, the
    second text's words numbered after the first's.

    Args:
        fields: the names of the two text fields (SNLI/MNLI: ``sentence1``,
            ``sentence2``).
        label_field: the name of the label field.
        labels: class names in class order (e.g. ``('entailment',
            'neutral', 'contradiction')``); rows whose label is not one of
            them (SNLI's ``'-'``: no agreement) are left out. None: the
            labels are integers.
        rationale_fields: JSONL only: two fields holding a 0/1 list per text
            (one entry per whitespace word), e.g. e-SNLI's highlighted words.
        num_samples: the first rows kept (after leaving rows out).
    Names: ``<split>_<row>`` (the row of the file, from 0).
    """

    def __init__(self, root, split='train', fields=('sentence1', 'sentence2'),
                 label_field='gold_label', labels=None, rationale_fields=None,
                 num_samples=None, **tokenizer_args):
        require_dir(root, 'Text pairs folder')
        paths = [osp.join(root, f'{split}.{ext}') for ext in ('jsonl', 'tsv')]
        path = next((p for p in paths if osp.isfile(p)), None)
        if path is None:
            raise FileNotFoundError(f'Neither {paths[0]} nor {paths[1]} exists.')
        if rationale_fields is not None and not path.endswith('.jsonl'):
            raise ValueError('rationale_fields need a JSONL file (lists per row).')
        rows = _rows(path)
        missing = [f for f in (*fields, label_field) if rows and f not in rows[0]]
        if missing:
            raise KeyError(f'{path} has no field(s) {missing}; its fields: '
                           f'{sorted(rows[0])}.')
        records = []
        for i, row in enumerate(rows):
            if num_samples is not None and len(records) >= num_samples:
                break
            label = row[label_field]
            if labels is not None:
                if label not in labels:
                    continue
                label = list(labels).index(label)
            name = file_safe(f'{split}_{i:06d}')
            words = tuple(tokenize(str(row[f])) for f in fields)
            rationale = None if rationale_fields is None else tuple(
                _rationale(row, f, w, name) for f, w in zip(rationale_fields, words))
            records.append((name, words, int(label), rationale))
        super().__init__(records, **tokenizer_args)
