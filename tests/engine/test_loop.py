"""attribute_dataset: the sink sees every finished sample with its dataset
index; failures go to on_error, or are raised without one."""
import json

import pytest
import torch

from input_iba.datasets import AttributionDataset
from input_iba.engine import FailureLog, attribute_dataset
from input_iba.models.attributors import AttributionResult, BaseAttributor


class Numbers(AttributionDataset):
    """Sample i is a 2 x 3 input filled with i; sample ``broken`` does not load."""

    def __init__(self, n=5, broken=None):
        self.n, self.broken = n, broken

    def __len__(self):
        return self.n

    def sample_name(self, i):
        return f's{i}'

    def __getitem__(self, i):
        if i == self.broken:
            raise OSError('unreadable')
        return dict(name=f's{i}', inputs=torch.full((2, 3), float(i)), target=0)


class MeanModel(torch.nn.Module):
    def forward(self, x):
        return torch.stack([x.mean((1, 2)), -x.mean((1, 2))], 1)


class Echo(BaseAttributor):
    """The input as its mask; NaN for input ``nan``, out of memory above
    ``most`` samples; records the targets it was asked for."""

    def __init__(self, nan=None, most=None):
        super().__init__(MeanModel())
        self.nan, self.most, self.targets = nan, most, []

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        if self.most is not None and len(inputs) > self.most:
            raise torch.OutOfMemoryError('CUDA out of memory (simulated)')
        self.targets += targets.tolist()
        masks = inputs.clone()
        masks[inputs == self.nan] = float('nan')
        return AttributionResult(input_masks=masks)


def _collect(out):
    def sink(index, attributed, row):
        out[index] = attributed.mask(row)[0, 0].item()
    return sink


def test_the_sink_gets_each_index_in_the_given_order_and_the_targets_by_index():
    out, att = {}, Echo()
    counts = attribute_dataset(att, Numbers(), [4, 0, 2], 2, _collect(out),
                               targets={0: 1, 2: 0, 4: 1}, progress=False)
    assert counts == dict(done=3, failed=0)
    assert out == {4: 4.0, 0: 0.0, 2: 2.0} and list(out) == [4, 0, 2]
    assert att.targets == [1, 1, 0]


def test_failures_are_logged_and_the_others_done(tmp_path):
    out, log = {}, tmp_path / 'failed.jsonl'
    counts = attribute_dataset(Echo(nan=3, most=2), Numbers(broken=1), range(5), 4,
                               _collect(out), FailureLog(str(log)), progress=False)
    assert counts == dict(done=3, failed=2) and sorted(out) == [0, 2, 4]
    reasons = {r['name']: r['reason'] for r in map(json.loads, log.read_text().splitlines())}
    assert reasons['s1'] == 'could not load: unreadable'
    assert reasons['s3'].startswith('Echo produced NaN/inf')


def test_without_on_error_the_first_failure_is_raised_after_an_out_of_memory_split():
    with pytest.raises(FloatingPointError, match='s3: Echo produced NaN/inf'):
        attribute_dataset(Echo(nan=3, most=2), Numbers(), range(5), 4, _collect({}),
                          progress=False)
    with pytest.raises(OSError, match='unreadable'):
        attribute_dataset(Echo(), Numbers(broken=1), range(5), 4, _collect({}), progress=False)
