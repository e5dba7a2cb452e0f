"""ConfidentSamples keeps the samples whose target probability reaches the threshold."""
import math

import pytest
import torch
import torch.nn as nn

from input_iba.datasets import AttributionDataset
from input_iba.registry import DATASETS


class Numbers(AttributionDataset):
    """1x1x1 images of value v with label t; sample 2 cannot be read."""

    def __init__(self, values, labels):
        self.values, self.labels = values, labels

    def __len__(self):
        return len(self.values)

    def sample_name(self, i):
        return f's{i}'

    def __getitem__(self, i):
        if i == 2:
            raise OSError('unreadable')
        return dict(name=self.sample_name(i), inputs=torch.full((1, 1, 1), self.values[i]),
                    target=self.labels[i])


class Logit(nn.Module):
    """Logits [v, 0]: p(class 0) = sigmoid(v)."""

    def forward(self, x):
        v = x.flatten(1)[:, 0]
        return torch.stack([v, torch.zeros_like(v)], 1)


def test_confident_samples_by_hand():
    # p(label): sigmoid(2) = 0.88, 1 - sigmoid(1) = 0.27, (unreadable),
    # sigmoid(0.2) = 0.55, unknown label -> prediction (class 1): 1 - sigmoid(-3) = 0.95
    data = Numbers([2.0, 1.0, 5.0, 0.2, -3.0], [0, 1, 0, 0, -1])
    subset = DATASETS.build(dict(type='ConfidentSamples', dataset=data, model=Logit(),
                                 threshold=0.6, batch_size=2))
    assert [subset.sample_name(i) for i in range(len(subset))] == ['s0', 's4']
    assert subset.probabilities['s1'] == pytest.approx(1 - 1 / (1 + math.exp(-1)))
    assert 's2' not in subset.probabilities
    assert subset[1]['inputs'].item() == -3.0
    with pytest.raises(ValueError, match='lower threshold'):
        DATASETS.build(dict(type='ConfidentSamples', dataset=data, model=Logit(),
                            threshold=0.99))
