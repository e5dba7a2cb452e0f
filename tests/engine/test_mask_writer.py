import numpy as np
import torch

from input_iba.datasets import AttributionDataset
from input_iba.engine import run_attribution
from input_iba.models.attributors import AttributionResult, BaseAttributor


class Numbers(AttributionDataset):
    def __init__(self, n=5):
        self.n = n

    def __len__(self):
        return self.n

    def sample_name(self, i):
        return f's{i}'

    def __getitem__(self, i):
        return dict(name=f's{i}', inputs=torch.full((2, 3), float(i)), target=0)


class MeanModel(torch.nn.Module):
    def forward(self, x):
        return torch.stack([x.mean((1, 2)), -x.mean((1, 2))], 1)


class FussyAttributor(BaseAttributor):
    """Runs out of memory for batches above 2 and fails on input 3."""

    def __init__(self):
        super().__init__(MeanModel())
        self.batch_sizes = []

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        self.batch_sizes.append(len(inputs))
        if len(inputs) > 2:
            raise torch.OutOfMemoryError('CUDA out of memory (simulated)')
        if (inputs == 3).any():
            raise ValueError('cannot explain 3')
        return AttributionResult(input_masks=inputs.clone())


def test_out_of_memory_splits_the_batch_and_bad_samples_are_isolated(tmp_path):
    att = FussyAttributor()
    summary = run_attribution(att, Numbers(), str(tmp_path), lambda *a: None,
                              batch_size=4, progress=False)
    assert summary['done'] == 4 and summary['failed'] == 1
    # 4 -> OOM -> 2 + 2; the pair holding 3 fails -> singles; then the last one
    assert att.batch_sizes == [4, 2, 2, 1, 1, 1]
    assert np.load(tmp_path / 'input_masks' / 's2.npy')[0, 0] == 2
    assert not (tmp_path / 'input_masks' / 's3.npy').exists()
    assert 'cannot explain 3' in (tmp_path / 'failed.jsonl').read_text()


class Documents(AttributionDataset):
    """Token documents of lengths 2 and 4; collate pads to the longest."""
    lengths = (2, 4)

    def __len__(self):
        return len(self.lengths)

    def sample_name(self, i):
        return f'd{i}'

    def __getitem__(self, i):
        return dict(name=f'd{i}', inputs=torch.arange(1, self.lengths[i] + 1), target=0)

    @staticmethod
    def collate(items):
        longest = max(len(it['inputs']) for it in items)
        ids = torch.zeros(len(items), longest, dtype=torch.long)
        for row, it in enumerate(items):
            ids[row, :len(it['inputs'])] = it['inputs']
        return dict(inputs=ids, padding_mask=ids > 0,
                    targets=torch.tensor([it['target'] for it in items]))


class TokenIds(BaseAttributor):
    """The token ids as their own mask (0 on padding)."""

    def __init__(self):
        super().__init__(MeanModel())

    def predict(self, inputs, padding_mask=None):
        return torch.zeros(len(inputs), 2)

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        return AttributionResult(input_masks=inputs.float(), feat_masks=2 * inputs.float())


def test_a_document_batched_with_a_longer_one_keeps_its_own_length(tmp_path):
    run_attribution(TokenIds(), Documents(), str(tmp_path), lambda *a: None,
                    batch_size=2, progress=False)
    assert np.load(tmp_path / 'input_masks' / 'd0.npy').tolist() == [1, 2]
    assert np.load(tmp_path / 'feat_masks' / 'd0.npy').tolist() == [2, 4]
    assert np.load(tmp_path / 'input_masks' / 'd1.npy').tolist() == [1, 2, 3, 4]
