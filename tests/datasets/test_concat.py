"""ConcatDatasets: samples in order, names kept, duplicates refused."""
import os.path as osp

import pytest
import torch
from conftest import requires_shared_data

from input_iba.datasets import AttributionDataset, ConcatDatasets


class Named(AttributionDataset):
    def __init__(self, names):
        self.names = names

    def __len__(self):
        return len(self.names)

    def sample_name(self, index):
        return self.names[index]

    def __getitem__(self, index):
        return dict(name=self.names[index], inputs=torch.full((1, 2, 2), float(index)), target=0)


def test_samples_follow_each_other_with_their_names():
    both = ConcatDatasets([Named(['a', 'b']), Named(['c'])])
    assert len(both) == 3
    assert [both.sample_name(i) for i in range(3)] == ['a', 'b', 'c']
    assert both[2]['name'] == 'c' and both[1]['inputs'].max() == 1
    assert both.collate([both[0], both[2]])['inputs'].shape == (2, 1, 2, 2)
    with pytest.raises(IndexError):
        both[3]


def test_duplicate_names_are_refused_at_build_time():
    with pytest.raises(ValueError, match=r"\['b'\].*unique"):
        ConcatDatasets([Named(['a', 'b']), Named(['b'])])
    with pytest.raises(ValueError, match='at least one'):
        ConcatDatasets([])


@requires_shared_data
def test_the_68_images_with_reference_masks():
    from input_iba.apis.builders import build_dataset, load_config
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = load_config(osp.join(repo, 'configs', 'input_iba', 'efficientnet_lite0_imagenet68.py'),
                      None)
    dataset = build_dataset(cfg.data.attribute)
    names = [dataset.sample_name(i) for i in range(len(dataset))]
    assert len(names) == len(set(names)) == 68 == cfg.data.num_estimation_samples
    assert names[0] == 'ILSVRC2012_val_00000008' and names[-1] == 'ILSVRC2012_val_00000379'
    assert dataset[67]['inputs'].shape == (3, 224, 224) and len(dataset[67]['boxes'])
