"""Run integrity (issue 16): what a run leaves in its work dir, its exit
status, and the small output fixes."""
import json
import os
import os.path as osp
import stat
import subprocess
import sys
import warnings

import numpy as np

from input_iba.datasets.image_datasets import ImageFolder
from input_iba.evaluation.vision.boxes import boxes_to_mask
from input_iba.evaluation.vision.effective_heat_ratio import EffectiveHeatRatio
from input_iba.evaluation.vision.pointing_game import point_hits
from input_iba.tools.train import main
from input_iba.utils import save_json
from input_iba.utils.io import TMP_PREFIX
from input_iba.visualization.image import save_png

from .helpers import FIXTURES, REPO

UMASK = os.umask(0)
os.umask(UMASK)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_json_is_strict_and_files_have_normal_permissions(tmp_path):
    path = tmp_path / 'meta.json'
    save_json(str(path), dict(loss=float('nan'), values=[1.0, float('inf')]))
    text = path.read_text()
    record = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert record == dict(loss=None, values=[1.0, None])
    assert _mode(path) == 0o666 & ~UMASK


def test_png_writes_without_the_mmcv_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        save_png(str(tmp_path / 'a' / 'b.png'), np.zeros((4, 4, 3), np.uint8))
    assert (tmp_path / 'a' / 'b.png').is_file()


def test_temporaries_and_failures_of_the_last_run_only(image_run):
    cfg, work = image_run
    args = [str(cfg), '--work-dir', str(work), '--device', 'cpu']
    assert main('t', args)['failed'] == 2
    names = {json.loads(line)['name'] for line in open(work / 'failed.jsonl')}
    assert names == {'broken', 'img3'}
    assert _mode(work / 'input_masks' / 'img0.npy') == 0o666 & ~UMASK
    user = work / '.tmp-mine.txt'
    user.write_text('keep me')
    own = work / 'input_masks' / (TMP_PREFIX + 'left.npy')
    own.write_bytes(b'')
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          capture_output=True, text=True).stdout.strip()
    killed = work / f'{TMP_PREFIX}{dead}-x.npy'  # its writer has exited
    live = work / f'{TMP_PREFIX}{os.getppid()}-x.npy'  # another shard, still writing
    for path in (killed, live):
        path.write_bytes(b'')
    os.remove(cfg.parent / 'images' / 'broken.png')
    again = main('t', args)
    assert again['failed'] == 1 and again['skipped'] == 4
    assert [json.loads(line)['name'] for line in open(work / 'failed.jsonl')] == ['img3']
    assert not own.exists() and user.read_text() == 'keep me'
    assert not killed.exists() and live.exists()


def test_a_run_with_failures_exits_1_and_says_how_many(image_run):
    cfg, work = image_run
    env = dict(os.environ, PYTHONPATH=FIXTURES, OMP_NUM_THREADS='1')
    res = subprocess.run([sys.executable, osp.join(REPO, 'tools', 'vision', 'train.py'),
                          str(cfg), '--work-dir', str(work), '--device', 'cpu'],
                         capture_output=True, text=True, env=env)
    assert res.returncode == 1, res.stderr[-2000:]
    assert '2 of 6 samples failed: see failed.jsonl' in res.stderr
    # the estimation bar counts to the set's 6 files, not to num_estimation_samples=8
    assert 'estimation:   0%|          | 0/6' in res.stderr and '/8 ' not in res.stderr
    json.loads((work / 'run.json').read_text())['config_hash']


def test_pointing_game_uses_the_raster_of_boxes_to_mask():
    box = [(10.4, 10.4, 20.6, 20.6)]
    raster = boxes_to_mask(box, (32, 32))
    for y in range(32):
        for x in range(32):
            assert point_hits((y, x), box, 0) == raster[y, x]
    assert point_hits((10, 10), box, 0) and not point_hits((9, 10), box, 0)


def test_an_empty_ehr_says_why(tmp_path):
    import mmcv
    root = tmp_path / 'images'
    root.mkdir()
    mmcv.imwrite(np.zeros((8, 8, 3), np.uint8), str(root / 'a.png'))
    masks = tmp_path / 'masks'
    masks.mkdir()
    np.save(masks / 'a.npy', np.ones((8, 8), np.float32))
    summary = EffectiveHeatRatio().run(ImageFolder(str(root)), str(masks), str(tmp_path / 'out'),
                                       progress=False)
    assert summary['ehr']['n'] == 0 and 'max_box_share' in summary['note']
