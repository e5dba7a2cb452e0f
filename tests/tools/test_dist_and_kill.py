"""Sharding over processes and killed runs give the same outputs."""
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import numpy as np

from input_iba.utils.io import TMP_PREFIX

from .helpers import FIXTURES, REPO, SALIENCY, make_image_run, masks

TRAIN = osp.join(REPO, 'tools', 'vision', 'train.py')


def _env():
    return dict(os.environ, PYTHONPATH=FIXTURES, OMP_NUM_THREADS='1')


def _single(cfg, work):
    subprocess.run([sys.executable, TRAIN, str(cfg), '--work-dir', str(work),
                    '--device', 'cpu'], check=True, env=_env(),
                   capture_output=True)
    return masks(work)


def _assert_same(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_allclose(a[key], b[key], atol=1e-5)


def test_two_processes_equal_one(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=6,
                               broken=False, labels='')
    res = subprocess.run(
        [osp.join(REPO, 'tools', 'dist_train.sh'), str(cfg), '2', '--work-dir',
         str(tmp_path / 'dist'), '--device', 'cpu'],
        env=dict(_env(), PYTHON=sys.executable), capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    logs = sorted(os.listdir(tmp_path / 'dist' / 'logs'))
    assert len(logs) == 2, logs  # one log per process, named by the first one's start time
    assert logs[0].split('_')[:2] == logs[1].split('_')[:2] and 'rank1' in logs[1], logs
    _assert_same(masks(tmp_path / 'dist'), _single(cfg, tmp_path / 'single'))


def test_killed_run_resumes_to_the_same_outputs(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=8,
                               broken=False, labels='')
    cmd = [sys.executable, TRAIN, str(cfg), '--work-dir', str(work), '--device',
           'cpu', '--batch-size', '1']
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        folder = work / 'input_masks'
        if folder.is_dir() and len([f for f in os.listdir(folder)
                                    if f.endswith('.npy')]) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = masks(work)
    assert 2 <= len(partial) < 8, 'the run should have been killed midway'
    subprocess.run(cmd, check=True, env=_env(), capture_output=True)
    leftovers = [f for _, _, files in os.walk(work) for f in files
                 if f.startswith(TMP_PREFIX)]
    assert leftovers == []
    _assert_same(masks(work), _single(cfg, tmp_path / 'clean'))


def _dist(cfg, work):
    return subprocess.run(
        [osp.join(REPO, 'tools', 'dist_train.sh'), str(cfg), '2', '--work-dir', str(work),
         '--device', 'cpu'],
        env=dict(_env(), PYTHON=sys.executable), capture_output=True, text=True)


def _saliency_run(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=4, broken=False, labels='')
    cfg.write_text(SALIENCY.format(root=tmp_path / 'images', labels=None))
    return cfg, work


def test_two_processes_report_the_totals_and_fail_when_one_sample_failed(tmp_path,
                                                                         monkeypatch):
    cfg, work = _saliency_run(tmp_path, monkeypatch)
    # sorted: img0, img0z, img1, img2, img3: the broken one is the second process's
    (tmp_path / 'images' / 'img0z.png').write_bytes(b'not an image')
    res = _dist(cfg, work)
    assert res.returncode == 1, res.stderr[-2000:]
    assert '(4 new, 0 already done, 1 failed' in res.stdout
    assert res.stderr.count('1 of 5 samples failed: see failed.jsonl') == 1
    assert 'Traceback' not in res.stderr and 'ChildFailedError' not in res.stderr
    assert len(masks(work)) == 4


def test_two_processes_refuse_names_shared_across_their_shards(tmp_path, monkeypatch):
    cfg, work = _saliency_run(tmp_path, monkeypatch)
    # sorted: img0.jpg, img0.png: one in each process's shard
    (tmp_path / 'images' / 'img0.jpg').write_bytes(
        (tmp_path / 'images' / 'img0.png').read_bytes())
    res = _dist(cfg, work)
    assert res.returncode != 0
    assert "share the name 'img0'" in res.stderr
    assert not (work / 'input_masks').exists()
