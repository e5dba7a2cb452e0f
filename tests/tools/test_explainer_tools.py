"""The three empirical-explainer tools end to end on a tiny SST-2-style set."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from input_iba.datasets.text import Vocabulary
from input_iba.engine.attribution_store import AttributionStore
from input_iba.tools.evaluate_explainer import main as evaluate
from input_iba.tools.explain_dataset import main as explain
from input_iba.tools.train_explainer import main as train

from .helpers import REPO

CONFIG = '''
model = dict(type='BiLSTMAttention', vocab_file=r'{vocab}', embedding_dim=8, hidden_dim=4,
             attention_dim=4)
adapter = dict(type='TokenEmbeddingAdapter')
data = dict(attribute=dict(type='SST2', root=r'{root}', split='train', vocab=r'{vocab}'))
attributor = dict(type='IntegratedGradients', adapter=adapter, steps=4, reduction='sum')
explain = dict(shard_size=8)
attribution = dict(batch_size=4)
targets_dir = r'{targets}'
explainer = dict(layer='encoder', feature_dim=8, adapter=adapter)
train = dict(epochs=2, batch_size=4, lr=1e-2, patience=2)
evaluation = dict(convergence=dict(key='steps', values=[1, 2], target_value=4),
                  curve_samples=3, faithfulness=dict(type='ERASERFaithfulness', adapter=adapter),
                  faithfulness_samples=3, visuals=2)
'''


def _tiny_sst2(tmp_path):
    """A config of 20 random sentences (3 shards of 8)."""
    rng = np.random.default_rng(0)
    words = [f'w{i}' for i in range(10)]
    lines = [' '.join(rng.choice(words, rng.integers(2, 6))) + f'\t{i % 2}' for i in range(20)]
    (tmp_path / 'train.tsv').write_text('sentence\tlabel\n' + '\n'.join(lines) + '\n')
    Vocabulary.build([words]).save(str(tmp_path / 'vocab.json'))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CONFIG.format(root=tmp_path, vocab=tmp_path / 'vocab.json',
                                 targets=tmp_path / 'targets'))
    return cfg


def test_two_processes_store_the_shards_of_one(tmp_path):
    cfg = _tiny_sst2(tmp_path)
    res = subprocess.run(
        [osp.join(REPO, 'tools', 'dist_train.sh'), str(cfg), '2', '--work-dir',
         str(tmp_path / 'two'), '--device', 'cpu'],
        env=dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1',
                 TOOL='tools/explain_dataset.py'), capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    summary = json.loads(res.stdout.strip().splitlines()[-1])  # printed once, the totals
    assert (summary['done'], summary['failed'], summary['jsonl']) == (20, 0, 20)
    explain('explain', [str(cfg), '--work-dir', str(tmp_path / 'one')])
    one, two = AttributionStore(tmp_path / 'one'), AttributionStore(tmp_path / 'two')
    assert one.shards() == two.shards() == [0, 1, 2]
    for shard in one.shards():
        a, b = one.arrays(shard), two.arrays(shard)
        assert sorted(a) == sorted(b)
        for key in a:
            if key == 'seconds':
                continue
            # the same computation in one thread either way
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_explain_train_evaluate(tmp_path):
    cfg = _tiny_sst2(tmp_path)
    summary = explain('explain', [str(cfg), '--work-dir', str(tmp_path / 'targets')])
    assert summary['done'] == 20 and summary['jsonl'] == 20
    again = explain('explain', [str(cfg), '--work-dir', str(tmp_path / 'targets')])
    assert again['skipped_shards'] == 3
    result = train('train', [str(cfg), '--work-dir', str(tmp_path / 'ee')])
    assert result['val_samples'] == 4 and result['train_samples'] == 16
    out = evaluate('evaluate', [str(cfg), '--work-dir', str(tmp_path / 'ee')])
    assert abs(out['mse']['mean'] - result['val_mse']) < 1e-6
    # rank agreement with the target, beside the mean training map per position
    assert -1 <= out['spearman']['mean'] <= 1 and out['spearman']['n'] == 4
    assert out['spearman_minus_prior']['mean'] == pytest.approx(
        out['spearman']['mean'] - out['prior_spearman']['mean'])
    assert 'Spearman' in (tmp_path / 'ee' / 'evaluation.md').read_text()
    assert [p['value'] for p in out['curve']] == [1, 2]
    assert set(out['faithfulness']['explainer']) == {'comprehensiveness', 'sufficiency'}
    assert (tmp_path / 'ee' / 'convergence.png').is_file()
    assert len(list((tmp_path / 'ee' / 'side_by_side').glob('*.html'))) == 2
    with open(tmp_path / 'ee' / 'evaluation.json') as f:
        assert json.load(f)['val_samples'] == 4
    # a validation fold the samples do not have fails before any work: with
    # --overwrite the previous results stay
    before = sorted(p.name for p in (tmp_path / 'ee').iterdir())
    with pytest.raises(ValueError, match=r'val_fold must be in 0\.\.4'):
        train('train', [str(cfg), '--work-dir', str(tmp_path / 'ee'), '--overwrite',
                        '--cfg-options', 'train.val_fold=5'])
    assert sorted(p.name for p in (tmp_path / 'ee').iterdir()) == before
