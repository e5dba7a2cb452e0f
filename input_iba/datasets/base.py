"""The dataset protocol the tools rely on.

``dataset[i]`` returns a dict with ``name`` (unique, file-name safe),
``inputs`` (a tensor), ``target`` (int; -1 when unknown, then the tools
explain the prediction) and display keys (``image`` for images: uint8
``H x W x 3`` at the model's resolution; ``tokens`` for text).
``collate(items)`` makes a batch dict with ``inputs``, ``targets`` and,
for sequences, ``padding_mask`` (True = real token).
"""
import torch


class AttributionDataset(torch.utils.data.Dataset):
    """Base class: subclasses implement ``__len__``, ``sample_name`` and
    ``__getitem__``."""

    def sample_name(self, index):
        raise NotImplementedError

    @staticmethod
    def collate(items):
        return dict(inputs=torch.stack([it['inputs'] for it in items]),
                    targets=torch.tensor([it['target'] for it in items],
                                         dtype=torch.long))
