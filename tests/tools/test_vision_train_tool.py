"""End to end: tools/vision/train.py on a user-registered tiny model."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np

from input_iba.tools.train import main
from input_iba.utils.io import TMP_PREFIX

from .helpers import FIXTURES, REPO
from .helpers import masks as _masks


def test_run_records_bad_samples_and_resumes(image_run):
    cfg, work = image_run
    summary = main('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert summary['done'] == 4 and summary['failed'] == 2
    failed = [json.loads(line) for line in open(work / 'failed.jsonl')]
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
    assert (work / 'config.py').is_file() and list((work / 'logs').glob('*.log'))
    assert not [f for f in os.listdir(work / 'input_masks') if f.startswith(TMP_PREFIX)]

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
