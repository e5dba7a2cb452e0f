"""benchmarks/gpu_suite.py: its dry run end to end on 2 images on the CPU
(about 25 s on one thread; torch.compile with the ``aot_eager`` backend, so
that no C++ compilation runs) and its refusal to run without CUDA."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from conftest import requires_shared_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'benchmarks', 'gpu_suite.py')
RUNS = ('fast', 'published', 'batch_1', 'batch_8', 'batch_32', 'fast_bf16', 'fast_compiled')


def load_suite():
    spec = importlib.util.spec_from_file_location('gpu_suite', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_cuda_it_asks_for_dry_run(monkeypatch, tmp_path):
    suite = load_suite()
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(SystemExit, match='no CUDA device.*--dry-run'):
        suite.main(['--out', str(tmp_path / 'x.json')])
    assert not (tmp_path / 'x.json').exists()


def test_dry_run_defaults():
    args = load_suite().parse_args(['--dry-run'])
    assert (args.num_images, args.threads, args.batch_size) == (2, 1, 32)
    assert load_suite().parse_args([]).num_images == 68


@requires_shared_data
def test_dry_run_end_to_end(tmp_path):
    out = tmp_path / 'suite.json'
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, SCRIPT, '--dry-run', '--out', str(out), '--work-dir',
         str(tmp_path / 'cache'), '--compile-backend', 'aot_eager'],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '| fast_compiled | 2 |' in proc.stdout
    report = json.loads(out.read_text())
    assert report['machine']['torch'] == torch.__version__ and report['machine']['cpu']
    assert report['settings']['dry_run'] and len(report['settings']['images']) == 2
    assert report['settings']['published_cfg_options']['attributor.schedule'] == 'published'
    assert tuple(report['runs']) == RUNS
    for name, run in report['runs'].items():
        assert 'error' not in run, (name, run.get('error'))
        assert run['images'] == 2 and run['images_per_s'] > 0
        assert run['peak_memory_bytes'] is None  # CPU
    assert report['runs']['batch_32']['same_run_as'] == 'fast'
    assert report['runs']['batch_1']['batch_size'] == 1
    # masks do not depend on the batch size (docs/results/determinism.md)
    assert report['runs']['batch_1']['mask_difference_to_fast']['max_abs'] < 1e-4
    for name in ('fast_bf16', 'fast_compiled'):
        diff = report['runs'][name]['mask_difference_to_fast']
        assert diff['images'] == 2 and 0 <= diff['mean_abs'] <= diff['max_abs'] < 1
