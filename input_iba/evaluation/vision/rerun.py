"""Metrics that re-run an attributor (randomisation and robustness checks):
build it on a model, give layer attributors their statistics, explain."""
import torch

from input_iba.datasets import AttributionDataset
from input_iba.engine import attribute_dataset
from input_iba.registry import ATTRIBUTORS


def build_rerun_attributor(attributor, model, estimation_inputs=None):
    """``attributor`` (a config without ``model``, or a factory
    ``model -> attributor``) built on ``model``; an attributor that
    ``needs_statistics`` (IBA, InputIBA) estimates them on
    ``estimation_inputs`` (a stack of inputs, or a function that returns
    one, called only then)."""
    att = (attributor(model) if callable(attributor) else
           ATTRIBUTORS.build(dict(attributor, model=model)))
    if att.needs_statistics:
        if estimation_inputs is None:
            raise ValueError(f'{type(att).__name__} needs layer statistics: pass '
                             'estimation_inputs (a stack of inputs).')
        inputs = estimation_inputs() if callable(estimation_inputs) else estimation_inputs
        att.estimate([dict(inputs=inputs)], len(inputs), progress=False)
    return att


class _Copies(AttributionDataset):
    """``inputs`` as samples that all bear the name ``name`` (so one seed)."""

    def __init__(self, inputs, name):
        self.inputs, self.name = inputs, name

    def __len__(self):
        return len(self.inputs)

    def sample_name(self, index):
        return self.name

    def __getitem__(self, index):
        return dict(inputs=self.inputs[index], name=self.name)

    @staticmethod
    def collate(items):
        return dict(inputs=torch.stack([it['inputs'] for it in items]))


def explain(att, inputs, targets, seed, name, batch_size=None):
    """Masks ``(N, *positions)`` of ``inputs`` for ``targets`` through the
    engine, every input seeded as sample ``name`` (so a stochastic method's
    own noise does not count as a change), ``batch_size`` inputs per call
    (None: all)."""
    masks = [None] * len(inputs)

    def keep(index, attributed, row):
        masks[index] = attributed.result.input_masks[row]

    attribute_dataset(att, _Copies(inputs, name), range(len(inputs)), batch_size or len(inputs),
                      keep, seed=seed, targets=torch.as_tensor(targets).expand(len(inputs)),
                      progress=False)
    return torch.stack(masks)
