"""Text classification datasets: ERASER movie reviews (with human
rationales), SST-2 (GLUE tsv) and IMDB-style pos/neg folders."""
import os
import os.path as osp
import re

import numpy as np
import torch

from input_iba.registry import DATASETS
from input_iba.utils import default_data_root, read_jsonl, read_text, require_dir
from input_iba.utils.vocabulary import Vocabulary, tokenize

from ..base import AttributionDataset
from .tokenized import encode_documents


def file_safe(stem):
    """``stem`` with every character other than letters, digits, ``_``, ``.``
    and ``-`` replaced by ``_`` (sample names become file names)."""
    return re.sub(r'[^\w.-]', '_', stem)


class TextClassificationDataset(AttributionDataset):
    """Records ``(name, tokens, label, rationale or None)``; a pair of texts
    (premise, hypothesis) has ``tokens = (words_a, words_b)`` and a rationale
    of two arrays (or None). Pairs need a tokenizer: their items hold the
    words of both texts in ``tokens`` (``segment_words``: how many of each),
    and their masks and rationales one value per word of both.

    Args:
        vocab: a :class:`Vocabulary`, the path of a saved one, or None to build
            one from this dataset's own tokens (the training split).
        max_length: truncate documents to this many tokens (None: keep all).
        min_freq, max_vocab: used when the vocabulary is built here.
        tokenizer: a Hugging Face model folder, an offline package name (e.g.
            ``'all-MiniLM-L6-v2'``) or a fast tokenizer: items then hold its
            token ids (special tokens included), ``word_ids`` (the word of
            each token, -1 for special tokens) and ``truncated_words``; the
            vocabulary is not used. Masks and rationales stay per word.
        max_positions: tokens per document, special tokens included (default:
            the tokenizer's ``model_max_length``, at most 512).
        long_documents: what happens to a longer document: ``'keep'``
            (default: whole; attribution and metrics split it into
            overlapping chunks and the prediction is the mean of their
            logits), ``'truncate'`` (whole words that fit; the count of cut
            words is recorded; what classifier training needs) or
            ``'error'``.
    """

    def __init__(self, records, vocab=None, max_length=None, min_freq=1,
                 max_vocab=None, tokenizer=None, max_positions=None,
                 long_documents='keep'):
        self.max_length = max_length
        if not records:
            raise ValueError('The text dataset is empty.')
        self.pairs = isinstance(records[0][1], tuple)
        if self.pairs and tokenizer is None:
            raise ValueError('Pairs of texts need tokenizer=... (the tokenizer '
                             'joins them, e.g. [CLS] a [SEP] b [SEP]).')
        if self.pairs and max_length:
            raise ValueError('max_length does not apply to pairs of texts: use '
                             'max_positions=... (tokens of both texts).')
        self.records = [(n, toks[:max_length] if max_length else toks, y, r[:max_length]
                         if (r is not None and max_length) else r)
                        for n, toks, y, r in records]
        empty = [r[0] for r in self.records
                 if not (all(r[1]) if self.pairs else r[1])]
        if empty:
            raise ValueError(f'{len(empty)} empty document(s) (no words), e.g. '
                             f'{empty[:3]}: remove them from the data.')
        self.tokenizer = None
        if tokenizer is not None:
            self._tokenize(tokenizer, max_positions, long_documents)
            return
        if vocab is None:
            vocab = Vocabulary.build((r[1] for r in self.records), min_freq,
                                     max_vocab)
        elif isinstance(vocab, str):
            if not osp.isfile(vocab):
                raise FileNotFoundError(
                    f'Vocabulary {vocab!r} not found: train the classifier first '
                    '(tools/nlp/train_classifier.py writes <work-dir>/vocab.json).')
            vocab = Vocabulary.load(vocab)
        self.vocab = vocab

    def _tokenize(self, tokenizer, max_positions, long_documents):
        if isinstance(tokenizer, str):
            from input_iba.models.classifiers.pretrained import load_tokenizer
            tokenizer = load_tokenizer(tokenizer)
        self.tokenizer, self.vocab = tokenizer, None
        self.max_positions = int(max_positions or min(tokenizer.model_max_length, 512))
        encoded = encode_documents(tokenizer, [r[1] for r in self.records],
                                   self.max_positions, long_documents,
                                   [r[0] for r in self.records])
        self.encoded = []
        for (name, words, label, rationale), (ids, wids, kept) in zip(self.records,
                                                                       encoded):
            segments = words if self.pairs else (words, )
            parts = rationale if self.pairs else (rationale, )
            self.encoded.append((
                [w for seg, k in zip(segments, kept) for w in seg[:k]], ids, wids,
                sum(map(len, segments)) - sum(kept),
                None if rationale is None else np.concatenate(
                    [np.asarray(r)[:k] for r, k in zip(parts, kept)]), kept))
        self.truncated = sum(e[3] > 0 for e in self.encoded)

    def __len__(self):
        return len(self.records)

    def sample_name(self, index):
        return self.records[index][0]

    def __getitem__(self, index):
        name, tokens, label, rationale = self.records[index]
        if self.tokenizer is not None:
            tokens, ids, wids, cut, rationale, kept = self.encoded[index]
            item = dict(name=name, tokens=tokens, target=label,
                        inputs=torch.tensor(ids, dtype=torch.long),
                        word_ids=torch.tensor(wids, dtype=torch.long),
                        truncated_words=cut)
            if self.pairs:
                item['segment_words'] = kept
            if rationale is not None:
                item['rationale'] = rationale
            return item
        item = dict(name=name, tokens=tokens, target=label,
                    inputs=torch.tensor(self.vocab.encode(tokens), dtype=torch.long))
        if rationale is not None:
            item['rationale'] = rationale
        return item

    @staticmethod
    def collate(items):
        """Right-pad with ``<pad>`` (id 0); ``padding_mask`` is True on tokens.
        Tokenised items add ``word_ids (B, L)`` (-1 on special tokens and
        padding), ``word_mask (B, W)`` (True on words) and
        ``truncated_words (B,)``."""
        lengths = torch.tensor([len(it['inputs']) for it in items])
        ids = torch.zeros(len(items), int(lengths.max()), dtype=torch.long)
        for row, it in enumerate(items):
            ids[row, :len(it['inputs'])] = it['inputs']
        batch = dict(inputs=ids, lengths=lengths,
                     padding_mask=torch.arange(ids.shape[1])[None] < lengths[:, None],
                     targets=torch.tensor([it['target'] for it in items]))
        if 'word_ids' in items[0]:
            word_ids = torch.full_like(ids, -1)
            for row, it in enumerate(items):
                word_ids[row, :len(it['word_ids'])] = it['word_ids']
            words = torch.tensor([len(it['tokens']) for it in items])
            batch.update(word_ids=word_ids,
                         word_mask=torch.arange(int(words.max()))[None] < words[:, None],
                         truncated_words=torch.tensor([it['truncated_words']
                                                       for it in items]))
        return batch


@DATASETS.register_module()
class EraserMovies(TextClassificationDataset):
    """ERASER movie reviews: ``root/docs/*.txt`` and ``root/<split>.jsonl``.
    Items carry ``rationale``: 1 on tokens inside a human evidence span.
    Labels: NEG 0, POS 1. Names: the document id without ``.txt``."""

    LABELS = dict(NEG=0, POS=1)
    #: the names of the classes 0 and 1
    class_names = tuple(sorted(LABELS, key=LABELS.get))

    def __init__(self, root=None, split='train', vocab=None, max_length=None,
                 min_freq=2, max_vocab=None, num_samples=None, **tokenizer_args):
        root = require_dir(root or osp.join(default_data_root(), 'eraser_movies'),
                           'ERASER movies folder')
        path = osp.join(root, f'{split}.jsonl')
        if not osp.isfile(path):
            splits = sorted(f for f in os.listdir(root) if f.endswith('.jsonl'))
            raise FileNotFoundError(f'{path} not found (splits here: {splits}).')
        records = []
        for ann in read_jsonl(path)[:num_samples]:
            docid = ann['annotation_id']
            tokens = read_text(osp.join(root, 'docs', docid)).split()
            rationale = np.zeros(len(tokens), np.int64)
            for group in ann['evidences']:
                for ev in group:
                    rationale[ev['start_token']:ev['end_token']] = 1
            records.append((file_safe(osp.splitext(docid)[0]), [t.lower() for t in tokens],
                            self.LABELS[ann['classification']], rationale))
        super().__init__(records, vocab, max_length, min_freq, max_vocab,
                         **tokenizer_args)


@DATASETS.register_module()
class SST2(TextClassificationDataset):
    """GLUE SST-2 tsv files (``sentence\\tlabel``): ``root/<split>.tsv``.
    ``min_tokens`` keeps only rows with at least that many tokens (the GLUE
    training split is mostly short phrases; the test split is sentences)."""

    #: the names of the labels 0 and 1
    class_names = ('negative', 'positive')

    def __init__(self, root=None, split='train', vocab=None, max_length=None,
                 min_freq=1, max_vocab=None, num_samples=None, min_tokens=1,
                 **tokenizer_args):
        root = require_dir(root or osp.join(default_data_root(), 'sst2'),
                           'SST-2 folder')
        path = osp.join(root, f'{split}.tsv')
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} not found.')
        records = []
        for i, line in enumerate(read_text(path).split('\n')[1:]):
            if num_samples is not None and len(records) >= num_samples:
                break
            if not line:  # the end of the last line
                continue
            sentence, _, label = line.rpartition('\t')
            if not label.isdigit():
                raise ValueError(f'{path}, line {i + 2}: {line[:60]!r} is not '
                                 '`sentence<TAB>label` with a label >= 0.')
            tokens = tokenize(sentence)
            if len(tokens) >= max(min_tokens, 1):
                records.append((file_safe(f'sst2_{split}_{i:06d}'), tokens, int(label), None))
        super().__init__(records, vocab, max_length, min_freq, max_vocab,
                         **tokenizer_args)


@DATASETS.register_module()
class TextFolder(TextClassificationDataset):
    """IMDB-style folder: ``root/pos/*.txt`` (label 1), ``root/neg/*.txt`` (0)."""

    #: the names of the labels 0 and 1
    class_names = ('neg', 'pos')

    def __init__(self, root, vocab=None, max_length=None, min_freq=1,
                 max_vocab=None, num_samples=None, **tokenizer_args):
        require_dir(root, 'Text folder')
        records = []
        for label, sub in ((0, 'neg'), (1, 'pos')):
            folder = osp.join(root, sub)
            if not osp.isdir(folder):
                raise FileNotFoundError(f'{folder} missing: a text folder needs '
                                        'pos/ and neg/ subfolders.')
            for fname in sorted(os.listdir(folder))[:num_samples]:
                text = re.sub(r'<br\s*/?>', ' ', read_text(osp.join(folder, fname)))
                records.append((file_safe(f'{sub}_{osp.splitext(fname)[0]}'),
                                tokenize(text), label, None))
        super().__init__(records, vocab, max_length, min_freq, max_vocab,
                         **tokenizer_args)
