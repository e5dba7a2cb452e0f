"""Metrics that re-run an attributor (randomisation and robustness checks):
build it on a model, give layer attributors their statistics, explain."""
import torch

from input_iba.models.attributors.batch import attribute_items
from input_iba.registry import ATTRIBUTORS


def build_rerun_attributor(attributor, model, estimation_inputs=None):
    """``attributor`` (a config without ``model``, or a factory
    ``model -> attributor``) built on ``model``; layer attributors (IBA,
    InputIBA) estimate their statistics on ``estimation_inputs``."""
    att = (attributor(model) if callable(attributor) else
           ATTRIBUTORS.build(dict(attributor, model=model)))
    if att.needs_statistics:
        if estimation_inputs is None:
            raise ValueError(f'{type(att).__name__} needs layer statistics: pass '
                             'estimation_inputs (a stack of inputs).')
        att.estimate([dict(inputs=estimation_inputs)], len(estimation_inputs),
                     progress=False)
    return att


def _stack(items):
    return dict(inputs=torch.stack([it['inputs'] for it in items]))


def explain(att, inputs, targets, seed, name, batch_size=None):
    """Masks ``(N, *positions)`` of ``inputs`` for ``targets`` through the
    shared attribution step, every input seeded as sample ``name`` (so a
    stochastic method's own noise does not count as a change),
    ``batch_size`` inputs per call (None: all)."""
    targets = torch.as_tensor(targets).expand(len(inputs))
    step = batch_size or len(inputs)
    items = [dict(inputs=x, name=name) for x in inputs]
    return torch.cat([
        attribute_items(att, items[i:i + step], _stack, seed,
                        targets[i:i + step]).result.input_masks
        for i in range(0, len(inputs), step)])
