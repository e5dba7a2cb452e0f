"""Several datasets read as one (e.g. ImageNet's shared images and its
development set), their sample names kept and required to be unique."""
import bisect
from collections import Counter

from input_iba.registry import DATASETS

from .base import AttributionDataset


@DATASETS.register_module()
class ConcatDatasets(AttributionDataset):
    """The samples of ``datasets`` (configs or datasets) one after the
    other. Names must be unique over all of them (outputs are written per
    name); a duplicate is refused at build time, naming it. Batches are
    collated by the first dataset."""

    def __init__(self, datasets):
        if not datasets:
            raise ValueError('ConcatDatasets needs at least one dataset.')
        self.datasets = [DATASETS.build(d) if isinstance(d, dict) else d
                         for d in datasets]
        self.offsets = [0]
        for d in self.datasets:
            self.offsets.append(self.offsets[-1] + len(d))
        counts = Counter(d.sample_name(i) for d in self.datasets for i in range(len(d)))
        duplicates = sorted(name for name, n in counts.items() if n > 1)
        if duplicates:
            raise ValueError(f'ConcatDatasets: sample names {duplicates[:5]} occur in more '
                             'than one dataset; outputs are written per name, so each must '
                             'be unique. Remove the duplicates from one of the folders.')

    def _locate(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f'index {index} out of range for {len(self)} samples')
        which = bisect.bisect_right(self.offsets, index) - 1
        return self.datasets[which], index - self.offsets[which]

    def __len__(self):
        return self.offsets[-1]

    def sample_name(self, index):
        dataset, local = self._locate(index)
        return dataset.sample_name(local)

    def __getitem__(self, index):
        dataset, local = self._locate(index)
        return dataset[local]

    def collate(self, items):
        return self.datasets[0].collate(items)
