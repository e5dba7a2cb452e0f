"""Subset: a fixed selection of another dataset."""
import pytest
import torch

from input_iba.datasets import AttributionDataset, Subset
from input_iba.registry import DATASETS


class Numbers(AttributionDataset):
    def __len__(self):
        return 10

    def sample_name(self, index):
        return f'n{index}'

    def __getitem__(self, index):
        return dict(name=self.sample_name(index), inputs=torch.tensor([float(index)]),
                    target=index % 2)


def test_subset_by_step_and_indices():
    every_third = Subset(Numbers(), step=3)
    assert len(every_third) == 4
    assert [every_third.sample_name(i) for i in range(4)] == ['n0', 'n3', 'n6', 'n9']
    assert every_third[1]['name'] == 'n3'
    batch = every_third.collate([every_third[0], every_third[1]])
    assert batch['targets'].tolist() == [0, 1]
    picked = Subset(Numbers(), indices=[7, 2])
    assert [picked[i]['name'] for i in range(2)] == ['n7', 'n2']
    assert isinstance(DATASETS.build(dict(type='Subset', dataset=Numbers(), step=5)), Subset)


def test_subset_errors():
    with pytest.raises(ValueError, match='either'):
        Subset(Numbers())
    with pytest.raises(IndexError, match='out of range'):
        Subset(Numbers(), indices=[3, 10])
