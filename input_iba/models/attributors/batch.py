"""One batched attribution step, shared by the runner, the attribution
store, explainer evaluation and ROAR: collate, resolve the targets, seed
every sample by its name, attribute, cut the padding off."""
import time
from dataclasses import dataclass
from typing import Optional

import torch

from input_iba.utils import sample_seed

from .base import AttributionResult, check_targets

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
        """Sample ``row`` of per-position ``maps`` without the batch's padding."""
        pm = self.batch.get('padding_mask')
        return maps[row] if pm is None else maps[row, :int(pm[row].sum())]

    def mask(self, row):
        """The input mask of sample ``row``, padding cut off."""
        return self.cut(self.result.input_masks, row)


def resolve_targets(attributor, batch, mode):
    """``(targets, logits)``: the prediction (``'prediction'``), or the label
    with the prediction where no label is known (``'label'``)."""
    if mode not in TARGET_MODES:
        raise ValueError(f'targets must be one of {TARGET_MODES} or a tensor, '
                         f'got {mode!r}.')
    pm = batch.get('padding_mask')
    dev = attributor.device
    logits = attributor.predict(batch['inputs'].to(dev),
                                None if pm is None else pm.to(dev)).float().cpu()
    preds = logits.argmax(-1)
    labels = batch['targets']
    targets = preds if mode == 'prediction' else torch.where(labels >= 0, labels, preds)
    check_targets(logits, targets)
    return targets, logits


def attribute_items(attributor, items, collate, seed=0, targets='label'):
    """Attribute loaded dataset ``items`` as one batch (``collate``: the
    dataset's). ``targets``: a mode of :func:`resolve_targets` or a tensor.
    Each sample's seed derives from ``seed`` and its name, so its result
    does not depend on the batch it is in."""
    batch = collate(items)
    logits = None
    if isinstance(targets, str):
        targets, logits = resolve_targets(attributor, batch, targets)
    start = time.perf_counter()
    result = attributor.attribute(batch['inputs'], targets,
                                  seeds=[sample_seed(seed, it['name']) for it in items],
                                  padding_mask=batch.get('padding_mask'))
    seconds = (time.perf_counter() - start) / len(items)
    return AttributedBatch(items, batch, targets, logits, result, seconds)
