"""The engine's one batch step (:func:`~input_iba.engine.loop.attribute_dataset`
drives it): collate, resolve the targets, seed every sample by its name,
attribute, cut the padding off."""
import inspect
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Union

import torch

from input_iba.models.attributors.base import (
    AttributionResult,
    BaseAttributor,
    check_finite_inputs,
    check_targets,
)
from input_iba.utils import sample_seed
from input_iba.utils.words import CHUNK_OVERLAP, DocumentRows

TARGET_MODES = ('label', 'prediction')


@dataclass
class AttributedBatch:
    """The outcome of :func:`attribute_items`. ``logits`` (CPU) are there
    when the targets came from the model; ``seconds`` and ``cpu_seconds``:
    attribution time per sample, on the clock and of the process's CPU."""
    items: list
    batch: dict
    targets: torch.Tensor
    logits: Optional[torch.Tensor]
    result: AttributionResult
    seconds: float
    cpu_seconds: float

    def cut(self, maps: torch.Tensor, row: int) -> torch.Tensor:
        """Sample ``row`` of per-position ``maps`` without the batch's padding
        (per word, for tokenised text)."""
        pm = self.batch.get('word_mask', self.batch.get('padding_mask'))
        return maps[row] if pm is None else maps[row, :int(pm[row].sum())]

    def mask(self, row: int) -> torch.Tensor:
        """The input mask of sample ``row``, padding cut off."""
        return self.cut(self.result.input_masks, row)


def word_arguments(attributor, method, batch):
    """``dict(word_ids=...)`` for tokenised text when the attributor's
    ``method`` takes them (MaRC's ``explain`` and ``predict``), else ``{}``."""
    word_ids = batch.get('word_ids')
    if word_ids is None or 'word_ids' not in inspect.signature(
            getattr(attributor, method)).parameters:
        return {}
    return dict(word_ids=word_ids)


def document_rows(attributor, batch):
    """The batch's tokenised documents as rows that fit the model
    (:class:`~input_iba.utils.words.DocumentRows`: a document longer than
    the model's ``max_positions`` becomes its overlapping chunks); None for
    images, and for methods that take ``word_ids`` and chunk documents
    themselves (MaRC)."""
    if batch.get('word_ids') is None or word_arguments(attributor, 'explain', batch):
        return None
    return DocumentRows.split(batch['inputs'], batch.get('padding_mask'), batch['word_ids'],
                              batch['word_mask'].shape[1],
                              getattr(attributor.model, 'max_positions', None),
                              CHUNK_OVERLAP)


def predict(attributor, batch, rows=None):
    """Logits of the batch on the CPU. With ``rows`` (:func:`document_rows`)
    a document's logits are the mean over its chunks; MaRC answers long
    documents itself (``attributor.predict`` with ``word_ids``)."""
    dev = attributor.device
    if rows is not None:
        return rows.mean(attributor.predict(rows.inputs.to(dev),
                                            rows.padding_mask.to(dev)).float().cpu())
    pm = batch.get('padding_mask')
    return attributor.predict(batch['inputs'].to(dev), None if pm is None else pm.to(dev),
                              **word_arguments(attributor, 'predict', batch)).float().cpu()


def resolve_targets(attributor, batch, mode, rows=None):
    """``(targets, logits)``: the prediction (``'prediction'``), or the label
    with the prediction where no label is known (``'label'``); logits as
    :func:`predict` gives them."""
    if mode not in TARGET_MODES:
        raise ValueError(f'targets must be one of {TARGET_MODES} or a tensor, '
                         f'got {mode!r}.')
    logits = predict(attributor, batch, rows)
    bad = (~torch.isfinite(logits).all(-1)).nonzero()[:, 0].tolist()
    if bad:
        raise FloatingPointError(
            f'The model gives non-finite logits (NaN/inf) for samples {bad} of the '
            'batch before any optimisation: check the input and the model weights.')
    preds = logits.argmax(-1)
    labels = batch['targets']
    if (labels < -1).any():  # -1: no label
        raise ValueError(f'Label(s) {labels[labels < -1].tolist()} of the batch: a label is '
                         'a class >= 0 (or -1 for none: the prediction is explained).')
    targets = preds if mode == 'prediction' else torch.where(labels >= 0, labels, preds)
    check_targets(logits, targets)
    return targets, logits


def attribute_items(attributor: BaseAttributor, items: Sequence[dict],
                    collate: Callable[[List[dict]], dict], seed: int = 0,
                    targets: Union[str, torch.Tensor] = 'label') -> AttributedBatch:
    """Attribute loaded dataset ``items`` as one batch (``collate``: the
    dataset's). ``targets``: a mode of :func:`resolve_targets` or a tensor.
    Each sample's seed derives from ``seed`` and its name, so its result
    does not depend on the batch it is in.

    Tokenised text (a batch with ``word_ids``): every per-token map of the
    result becomes one value per word (the mean over the word's tokens). A
    document longer than the model's positions is explained whole: its
    overlapping chunks are explained as samples of their own (chunk ``c > 0``
    seeded by ``sample_seed(seed, 'chunk<c>')``), for the document's target,
    and their word maps are blended over the overlaps; its prediction is
    the mean of its chunks' logits. Methods that take ``word_ids`` (MaRC)
    get them and chunk documents themselves. ``truncated_words`` (and for
    chunked text ``chunks``) go into the result's meta."""
    batch = collate(items)
    check_finite_inputs(batch['inputs'])
    rows = document_rows(attributor, batch)
    logits = None
    if isinstance(targets, str):
        targets, logits = resolve_targets(attributor, batch, targets, rows)
    seeds = [sample_seed(seed, it['name']) for it in items]
    start, cpu_start = time.perf_counter(), time.process_time()
    if rows is None:
        result = attributor.attribute(batch['inputs'], targets, seeds=seeds,
                                      padding_mask=batch.get('padding_mask'),
                                      **word_arguments(attributor, 'explain', batch))
    else:
        result = attributor.attribute(rows.inputs, targets[rows.owner],
                                      seeds=_row_seeds(rows, seeds),
                                      padding_mask=rows.padding_mask)
    seconds = (time.perf_counter() - start) / len(items)
    cpu_seconds = (time.process_time() - cpu_start) / len(items)
    if batch.get('word_ids') is not None:
        result = _per_word(result, batch, rows)
    return AttributedBatch(items, batch, targets, logits, result, seconds, cpu_seconds)


def _row_seeds(rows, seeds):
    """A document's seed for its first row, one derived from it for each
    further chunk."""
    out, previous, chunk = [], None, 0
    for d in rows.owner.tolist():
        chunk = 0 if d != previous else chunk + 1
        out.append(seeds[d] if chunk == 0 else sample_seed(seeds[d], f'chunk{chunk}'))
        previous = d
    return out


def _per_word(result, batch, rows):
    """``result`` with its per-token maps as one value per word (from the
    rows of :func:`document_rows`, or, for MaRC, from the batch's
    tokens) and its per-row meta as per-document means."""
    if rows is None:  # MaRC: one row per document, chunked inside
        rows = DocumentRows.split(batch['inputs'], batch.get('padding_mask'),
                                  batch['word_ids'], batch['word_mask'].shape[1], None, 0)

    def pool(maps):
        if maps is None:
            return None
        if tuple(maps.shape) != tuple(rows.word_ids.shape):
            raise ValueError(f'A per-token map of shape {tuple(maps.shape)} for rows of '
                             f'shape {tuple(rows.word_ids.shape)}: text attributors '
                             'return one value per token.')
        return rows.to_words(maps)

    meta = {k: rows.mean(v.float()) for k, v in result.meta.items()}
    meta['truncated_words'] = batch['truncated_words'].float()
    meta.setdefault('chunks', torch.tensor([float(len(c)) for c in rows.chunks]))
    return AttributionResult(input_masks=pool(result.input_masks),
                             feat_masks=pool(result.feat_masks),
                             extras={k: pool(v) for k, v in result.extras.items()},
                             meta=meta)
