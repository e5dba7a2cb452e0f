"""One batched attribution step, shared by the runner, the attribution
store, explainer evaluation and ROAR: collate, resolve the targets, seed
every sample by its name, attribute, cut the padding off."""
import inspect
import time
from dataclasses import dataclass
from typing import Optional

import torch

from input_iba.datasets.text.tokenized import pool_to_words
from input_iba.utils import sample_seed

from .base import AttributionResult, check_finite_inputs, check_targets

TARGET_MODES = ('label', 'prediction')


@dataclass
class AttributedBatch:
    """The outcome of :func:`attribute_items`. ``logits`` (CPU) are there
    when the targets came from the model; ``seconds``: attribution time per
    sample."""
    items: list
    batch: dict
    targets: torch.Tensor
    logits: Optional[torch.Tensor]
    result: AttributionResult
    seconds: float

    def cut(self, maps, row):
        """Sample ``row`` of per-position ``maps`` without the batch's padding
        (per word, for tokenised text)."""
        pm = self.batch.get('word_mask', self.batch.get('padding_mask'))
        return maps[row] if pm is None else maps[row, :int(pm[row].sum())]

    def mask(self, row):
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


def resolve_targets(attributor, batch, mode):
    """``(targets, logits)``: the prediction (``'prediction'``), or the label
    with the prediction where no label is known (``'label'``). The logits
    come from ``attributor.predict``, which MaRC answers for long documents
    from their chunks."""
    if mode not in TARGET_MODES:
        raise ValueError(f'targets must be one of {TARGET_MODES} or a tensor, '
                         f'got {mode!r}.')
    pm = batch.get('padding_mask')
    dev = attributor.device
    logits = attributor.predict(batch['inputs'].to(dev),
                                None if pm is None else pm.to(dev),
                                **word_arguments(attributor, 'predict', batch)).float().cpu()
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


def attribute_items(attributor, items, collate, seed=0, targets='label'):
    """Attribute loaded dataset ``items`` as one batch (``collate``: the
    dataset's). ``targets``: a mode of :func:`resolve_targets` or a tensor.
    Each sample's seed derives from ``seed`` and its name, so its result
    does not depend on the batch it is in.

    Tokenised text (a batch with ``word_ids``): methods that take
    ``word_ids`` (MaRC) get them (for the prediction too), and every per-token map of the result
    becomes one value per word (:func:`pool_to_words`); ``truncated_words``
    goes into the result's meta."""
    batch = collate(items)
    check_finite_inputs(batch['inputs'])
    logits = None
    if isinstance(targets, str):
        targets, logits = resolve_targets(attributor, batch, targets)
    word_ids = batch.get('word_ids')
    start = time.perf_counter()
    result = attributor.attribute(batch['inputs'], targets,
                                  seeds=[sample_seed(seed, it['name']) for it in items],
                                  padding_mask=batch.get('padding_mask'),
                                  **word_arguments(attributor, 'explain', batch))
    seconds = (time.perf_counter() - start) / len(items)
    if word_ids is not None:
        result = _per_word(result, word_ids, batch)
    return AttributedBatch(items, batch, targets, logits, result, seconds)


def _per_word(result, word_ids, batch):
    """``result`` with its per-token maps pooled to words."""
    words = batch['word_mask'].shape[1]

    def pool(maps):
        if maps is None or tuple(maps.shape) != tuple(word_ids.shape):
            return maps  # not one value per token
        return pool_to_words(maps.float(), word_ids, words)

    result.input_masks = pool(result.input_masks)
    result.feat_masks = pool(result.feat_masks)
    result.extras = {k: pool(v) for k, v in result.extras.items()}
    result.meta = dict(result.meta, truncated_words=batch['truncated_words'].float())
    return result
