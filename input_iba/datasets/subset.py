"""A fixed selection of another dataset's samples (e.g. a class-balanced
slice of a split whose files are sorted by label)."""
from input_iba.registry import DATASETS

from .base import AttributionDataset


@DATASETS.register_module()
class Subset(AttributionDataset):
    """The samples ``indices`` of ``dataset`` (a config or a dataset), or
    every ``step``-th sample from the first; names, items and batching are
    the inner dataset's."""

    def __init__(self, dataset, indices=None, step=None):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        if (indices is None) == (step is None):
            raise ValueError('Give Subset either indices or step.')
        self.indices = (list(range(0, len(self.dataset), step)) if step
                        else list(indices))
        bad = [i for i in self.indices if not 0 <= i < len(self.dataset)]
        if bad:
            raise IndexError(f'Subset indices {bad[:5]} out of range for a dataset '
                             f'of {len(self.dataset)} samples.')

    def __len__(self):
        return len(self.indices)

    def sample_name(self, index):
        return self.dataset.sample_name(self.indices[index])

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]

    def collate(self, items):
        return self.dataset.collate(items)
