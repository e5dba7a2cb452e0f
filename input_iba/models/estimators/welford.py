"""Streaming per-element statistics of a layer (methods.md §1)."""
import os.path as osp

import torch

from input_iba.registry import ESTIMATORS
from input_iba.utils import atomic_path, load_weights


@ESTIMATORS.register_module()
class WelfordEstimator:
    """Running mean, std and activity of feature samples of one shape.

    ``update`` takes a batch ``(N, *shape)`` of samples and merges it with
    Chan's parallel form of Welford's algorithm (float64), so the result does
    not depend on how the samples are batched.

    Args:
        active_threshold: an element is *active* if it is non-zero in at
            least this fraction of samples; inactive elements carry no
            information and are left out of the capacity.
    """

    def __init__(self, active_threshold=0.01):
        self.active_threshold = active_threshold
        self.count = 0
        self._mean = None
        self._m2 = None
        self._nonzero = None

    def update(self, samples):
        x = samples.detach().to(torch.float64)
        n = x.shape[0]
        if n == 0:
            return
        batch_mean = x.mean(0)
        batch_m2 = ((x - batch_mean)**2).sum(0)
        nonzero = (x != 0).sum(0).to(torch.float64)
        if self._mean is None:
            self._mean, self._m2, self._nonzero = batch_mean, batch_m2, nonzero
            self.count = n
            return
        if batch_mean.shape != self._mean.shape:
            raise ValueError(f'Feature shape changed from {tuple(self._mean.shape)}'
                             f' to {tuple(batch_mean.shape)} during estimation: '
                             'resize all inputs to one size.')
        total = self.count + n
        delta = batch_mean - self._mean
        self._mean = self._mean + delta * (n / total)
        self._m2 = self._m2 + batch_m2 + delta**2 * (self.count * n / total)
        self._nonzero = self._nonzero + nonzero
        self.count = total

    def _require_data(self):
        if self.count < 2:
            raise RuntimeError('The estimator has seen fewer than 2 samples: '
                               'give it a larger estimation set.')

    @property
    def mean(self):
        self._require_data()
        return self._mean.float()

    @property
    def std(self):
        """Sample standard deviation (divides by N - 1)."""
        self._require_data()
        return (self._m2 / (self.count - 1)).sqrt().float()

    @property
    def active(self):
        """Boolean mask of elements non-zero in >= ``active_threshold``."""
        self._require_data()
        return (self._nonzero / self.count) >= self.active_threshold

    def state_dict(self):
        return dict(count=torch.tensor(self.count), mean=self._mean, m2=self._m2,
                    nonzero=self._nonzero,
                    active_threshold=torch.tensor(self.active_threshold))

    def load_state_dict(self, state):
        self.count = int(state['count'])
        self._mean, self._m2 = state['mean'], state['m2']
        self._nonzero = state['nonzero']
        self.active_threshold = float(state['active_threshold'])

    def save(self, path):
        with atomic_path(path) as tmp:
            torch.save(self.state_dict(), tmp)

    @classmethod
    def load(cls, path):
        est = cls()
        est.load_state_dict(load_weights(path, f'No layer statistics at {path}.'))
        return est

    @classmethod
    def load_or_none(cls, path):
        return cls.load(path) if path and osp.isfile(path) else None
