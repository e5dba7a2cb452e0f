"""Shared fixtures: tiny models and the shared real data."""
import math
import os.path as osp

import pytest
import torch
import torch.nn as nn

from input_iba.models.classifiers import TextClassifier
from input_iba.utils import default_data_root

DATA_ROOT = default_data_root()
HAS_SHARED_DATA = osp.isdir(osp.join(DATA_ROOT, 'imagenet'))
requires_shared_data = pytest.mark.skipif(
    not HAS_SHARED_DATA,
    reason=f'shared real data not found at {DATA_ROOT} (set INPUT_IBA_DATA_ROOT)')


class TinyConvNet(nn.Module):
    """3x16x16 -> 4 classes; 'features.2' is an 8x8x8 feature map."""

    def __init__(self, num_classes=4):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(8, 8, 3, stride=2, padding=1),
                                      nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(8, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


class LinearModel(nn.Module):
    """Two classes with logits ``[w . x, -w . x]``."""

    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight)

    def forward(self, x):
        s = (x * self.weight).flatten(1).sum(1)
        return torch.stack([s, -s], 1)


class TokenSum(TextClassifier):
    """Each token id has a weight; logits = [s, -s], s = sum of the real
    tokens' weights."""

    def __init__(self, weights):
        super().__init__()
        self.weights = nn.Embedding.from_pretrained(torch.tensor(weights)[:, None])

    def embed(self, ids):
        return self.weights(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        s = (emb[..., 0] * padding_mask).sum(1)
        return torch.stack([s, -s], 1)


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


class PixelSum(nn.Module):
    """Logits [2 * (x[0,0,0] + x[0,0,1]), 0] for 1x2x2 images."""

    def forward(self, x):
        s = 2 * (x[:, 0, 0, 0] + x[:, 0, 0, 1])
        return torch.stack([s, torch.zeros_like(s)], 1)


@pytest.fixture
def tiny_convnet():
    torch.manual_seed(0)
    return TinyConvNet().eval()


@pytest.fixture(autouse=True)
def _single_thread():
    torch.set_num_threads(1)
