import json
import os

import numpy as np
import pytest
import torch

from input_iba.datasets import TextClassificationDataset
from input_iba.engine.attribution_store import AttributionStore, explain_dataset
from input_iba.models.attributors import InputXGradient
from input_iba.registry import MODELS


def _docs(n=10):
    rng = np.random.default_rng(1)
    records = [(f'd{i}', [f't{v}' for v in rng.integers(0, 9, rng.integers(2, 7))],
                int(rng.integers(2)), None) for i in range(n)]
    return TextClassificationDataset(records)


def _attributor(ds):
    torch.manual_seed(0)
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=len(ds.vocab),
                              embedding_dim=6, hidden_dim=4, attention_dim=4))
    return InputXGradient(model, adapter=dict(type='TokenEmbeddingAdapter'),
                          reduction='sum')


class CountingAttributor:
    """Wraps an attributor and counts the samples it explained."""

    def __init__(self, inner):
        self.inner, self.count = inner, 0
        self.device, self.predict = inner.device, inner.predict

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        self.count += len(inputs)
        return self.inner.attribute(inputs, targets, seeds, padding_mask)


def test_shards_hold_predictions_labels_and_unpadded_maps(tmp_path):
    ds = _docs()
    attributor = _attributor(ds)
    summary = explain_dataset(attributor, ds, str(tmp_path), shard_size=4, batch_size=3,
                              progress=False)
    assert summary['shards'] == 3 and summary['done'] == 10
    store = AttributionStore(str(tmp_path))
    assert store.shards() == [0, 1, 2]
    with np.load(store.shard_path(2), allow_pickle=False) as z:
        assert z['index'].tolist() == [8, 9]
    records = store.load()
    for i in (0, 7):
        item = ds[i]
        rec = records[i]
        logits = attributor.predict(item['inputs'][None])
        single = attributor.attribute(item['inputs'][None], logits.argmax(-1))
        assert rec['name'] == item['name'] and rec['label'] == item['target']
        assert rec['target'] == int(logits.argmax())
        np.testing.assert_allclose(rec['prediction'], logits[0].numpy(), rtol=1e-5, atol=1e-6)
        # padding cut off: one value per token, as a single run gives
        assert rec['attributions'].shape == (len(item['inputs']), )
        np.testing.assert_allclose(rec['attributions'], single.input_masks[0].numpy(),
                                   rtol=1e-4, atol=1e-6)
        assert rec['input_ids'].tolist() == item['inputs'].tolist()
    assert store.export_jsonl(str(tmp_path / 'a.jsonl')) == 10
    with open(tmp_path / 'a.jsonl') as f:
        first = json.loads(f.readline())
    assert set(first) >= {'input_ids', 'attributions', 'predictions', 'labels'}
    assert len(first['attributions']) == len(first['input_ids'])


def test_rerun_skips_finished_shards(tmp_path):
    ds = _docs()
    explain_dataset(_attributor(ds), ds, str(tmp_path), shard_size=4, batch_size=32, progress=False)
    store = AttributionStore(str(tmp_path))
    before = store.load()
    os.remove(store.shard_path(1))
    counting = CountingAttributor(_attributor(ds))
    summary = explain_dataset(counting, ds, str(tmp_path), shard_size=4, batch_size=32,
                              progress=False)
    assert counting.count == 4 and summary['skipped_shards'] == 2
    after = store.load()
    for i in range(10):
        np.testing.assert_array_equal(before[i]['attributions'], after[i]['attributions'])
    # a run on fewer samples leaves the last shard short: it is redone later
    other = tmp_path / 'short'
    explain_dataset(_attributor(ds), ds, str(other), shard_size=4, batch_size=32, num_samples=5,
                    progress=False)
    counting.count = 0
    explain_dataset(counting, ds, str(other), shard_size=4, batch_size=32, progress=False)
    assert counting.count == 6 and len(AttributionStore(str(other)).load()) == 10
    with pytest.raises(ValueError, match='shard_size=4'):
        explain_dataset(counting, ds, str(tmp_path), shard_size=5, batch_size=32, progress=False)


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04 cut short'])
def test_a_damaged_shard_is_redone_and_named_when_read(content, tmp_path):
    ds = _docs()
    explain_dataset(_attributor(ds), ds, str(tmp_path), shard_size=4, batch_size=32, progress=False)
    store = AttributionStore(str(tmp_path))
    with open(store.shard_path(1), 'wb') as f:
        f.write(content)
    with pytest.raises(ValueError, match='shard-00001.npz is not a readable shard'):
        store.load()
    counting = CountingAttributor(_attributor(ds))
    summary = explain_dataset(counting, ds, str(tmp_path), shard_size=4, batch_size=32,
                              progress=False)
    assert counting.count == 4 and summary['skipped_shards'] == 2
    assert len(store.load()) == 10
