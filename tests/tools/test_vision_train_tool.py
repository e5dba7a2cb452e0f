"""End to end: tools/vision/train.py on a user-registered tiny model."""
import json
import os
import os.path as osp
import subprocess
import sys

import mmcv
import numpy as np
import pytest

from input_iba.apis.train_tool import main

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FIXTURES = osp.join(REPO, 'tests', 'fixtures')

CONFIG = '''
custom_imports = dict(imports=['user_model'], allow_failed_imports=False)
model = dict(type='UserTinyNet')
pipeline = dict(type='ResizeNormalize', size=(16, 16))
attributor = dict(
    type='InputIBA', layer='features.2',
    feat_iba=dict(steps=3, copies=2),
    gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=1, critic_iters=2),
    input_iba=dict(steps=3, copies=2),
    critic=dict(type='ConvCritic', hidden=(8, )))
data = dict(
    attribute=dict(type='ImageFolder', root=r'{root}', labels={labels},
                   pipeline=pipeline),
    estimate=dict(type='ImageFolder', root=r'{root}', pipeline=pipeline),
    num_estimation_samples=8, estimation_batch_size=4)
visualizer = dict(type='ImageHeatmap')
attribution = dict(batch_size=2)
'''


@pytest.fixture
def image_run(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(FIXTURES)
    root = tmp_path / 'images'
    root.mkdir()
    rng = np.random.default_rng(0)
    for i in range(5):
        mmcv.imwrite(rng.integers(0, 255, (20, 24, 3), dtype=np.uint8),
                     str(root / f'img{i}.png'))
    (root / 'broken.png').write_bytes(b'not an image')
    labels = tmp_path / 'labels.txt'
    labels.write_text('img3.png 9\nimg1.png 2\n')  # 9 is out of range
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(CONFIG.format(root=root, labels=repr(str(labels))))
    return cfg, tmp_path / 'work'


def _masks(work):
    folder = work / 'input_masks'
    return {f: np.load(folder / f) for f in sorted(os.listdir(folder))
            if f.endswith('.npy')}


def test_run_records_bad_samples_and_resumes(image_run):
    cfg, work = image_run
    summary = main('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert summary['done'] == 4 and summary['failed'] == 2
    failed = [json.loads(l) for l in open(work / 'failed.jsonl')]
    reasons = {f['name']: f['reason'] for f in failed}
    assert 'unreadable' in reasons['broken'] or 'could not load' in reasons['broken']
    assert 'out of range' in reasons['img3']
    first = _masks(work)
    assert sorted(first) == ['img0.npy', 'img1.npy', 'img2.npy', 'img4.npy']
    for name in ('img0', 'img1'):
        assert (work / 'input_masks' / f'{name}.png').is_file()
        assert np.load(work / 'feat_masks' / f'{name}.npy').shape == (16, 16)
        assert first[f'{name}.npy'].dtype == np.float32
    assert json.load(open(work / 'meta' / 'img1.json'))['target'] == 2
    assert (work / 'config.py').is_file() and (work / 'log.txt').is_file()
    assert not [f for f in os.listdir(work / 'input_masks') if f.startswith('.tmp')]

    # a rerun skips what is finished; a lost file is recomputed identically
    os.remove(work / 'input_masks' / 'img2.npy')
    again = main('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert again['skipped'] == 3 and again['done'] == 1
    second = _masks(work)
    for key in first:  # img2 now ran alone, not in a batch of two
        np.testing.assert_allclose(first[key], second[key], atol=1e-5)
    assert np.array_equal(first['img0.npy'], second['img0.npy'])


def test_cli_bad_layer_and_missing_data(image_run, tmp_path):
    cfg, work = image_run
    env = dict(os.environ, PYTHONPATH=FIXTURES)
    script = osp.join(REPO, 'tools', 'vision', 'train.py')
    res = subprocess.run(
        [sys.executable, script, str(cfg), '--work-dir', str(work), '--device',
         'cpu', '--cfg-options', 'attributor.layer=features.22'],
        capture_output=True, text=True, env=env)
    assert res.returncode != 0
    assert "Layer 'features.22' does not exist" in res.stderr
    assert "features.2" in res.stderr
    res = subprocess.run(
        [sys.executable, script, str(cfg), '--work-dir', str(work), '--device',
         'cpu', '--cfg-options', f'data.attribute.root={tmp_path}/nowhere',
         f'data.estimate.root={tmp_path}/nowhere'],
        capture_output=True, text=True, env=env)
    assert res.returncode != 0 and 'not found' in res.stderr
