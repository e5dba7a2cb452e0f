"""Batching of the text classifiers' training: plain shuffled batches and
batches bucketed by length."""
import pytest
import torch

from input_iba.datasets.text.text_datasets import TextClassificationDataset
from input_iba.training.classifier import batches_of, train_classifier


class Lengths(torch.utils.data.Dataset):
    """Items whose token ids are ``length`` copies of their index + 1."""

    collate = staticmethod(TextClassificationDataset.collate)

    def __init__(self, lengths):
        self.lengths = lengths

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, i):
        return dict(inputs=torch.full((self.lengths[i], ), i + 1), target=i % 2)


def items_of(batch):
    return batch['inputs'][:, 0].sub(1).tolist()


def test_bucketed_batches_by_hand():
    lengths = [5, 1, 7, 3, 2, 8, 6, 4]
    data = Lengths(lengths)
    batch_size, bucket, seed = 2, 2, 3
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(8, generator=generator).tolist()
    pools = [sorted(order[:4], key=lengths.__getitem__), sorted(order[4:], key=lengths.__getitem__)]
    rows = [pools[0][:2], pools[0][2:], pools[1][:2], pools[1][2:]]
    expected = [rows[i] for i in torch.randperm(4, generator=generator).tolist()]
    batches = list(batches_of(data, batch_size, True, seed, bucket))
    assert [items_of(b) for b in batches] == expected
    # the padded length of each batch is its longer item
    assert [b['inputs'].shape[1] for b in batches] == [max(lengths[i] for i in r) for r in expected]
    plain = list(batches_of(data, batch_size, True, seed))
    assert sorted(i for b in plain for i in items_of(b)) == list(range(8))
    assert [items_of(b) for b in plain] == [order[i:i + 2] for i in range(0, 8, 2)]
    # no shuffle: dataset order, with or without bucket
    assert [items_of(b) for b in batches_of(data, 3, False, bucket=2)] == \
        [[0, 1, 2], [3, 4, 5], [6, 7]]


def test_bucketing_cuts_padding_on_real_lengths():
    lengths = torch.randint(1, 50, (640, ), generator=torch.Generator().manual_seed(0)).tolist()
    data = Lengths(lengths)
    padded = {b: sum(x['inputs'].numel() for x in batches_of(data, 32, True, 1, b))
              for b in (0, 10)}
    assert padded[10] < 0.6 * padded[0]  # most of the padding is gone


def test_bad_bucket_is_refused_before_training(tmp_path):
    with pytest.raises(ValueError, match='bucket must be a number of batches'):
        train_classifier(torch.nn.Linear(1, 2), Lengths([1]), Lengths([1]), str(tmp_path),
                         bucket=-1)
