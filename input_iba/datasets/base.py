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


def load_items(dataset, indices, on_error=None):
    """``[dataset[i] for i in indices]``, skipping samples that fail to load;
    ``on_error(name, exception)`` is called for each of those (without one,
    the error is raised)."""
    items = []
    for i in indices:
        try:
            items.append(dataset[i])
        except Exception as err:  # noqa: BLE001 - any load error skips it
            if on_error is None:
                raise
            on_error(dataset.sample_name(i), err)
    return items


def iter_batches(dataset, batch_size, on_error=None, indices=None):
    """Collated batches of the loadable samples of ``dataset`` (for layer
    statistics; attributing a dataset is :func:`input_iba.engine.attribute_dataset`'s),
    ``on_error`` as in :func:`load_items`."""
    indices = range(len(dataset)) if indices is None else indices
    indices = list(indices)
    for start in range(0, len(indices), batch_size):
        items = load_items(dataset, indices[start:start + batch_size], on_error)
        if items:
            yield dataset.collate(items)
