"""benchmarks/speed/gpu_suite.py: its refusal to run without CUDA and its
defaults (its smoke run end to end is in tests/test_benchmarks_smoke.py)."""
import pytest
import torch

from benchmarks.speed import gpu_suite


def test_without_cuda_it_asks_for_smoke(monkeypatch, tmp_path):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(SystemExit, match='no CUDA device.*--smoke'):
        gpu_suite.main(['--work-dir', str(tmp_path)])
    assert not (tmp_path / gpu_suite.REPORT).exists()


def test_smoke_defaults():
    args = gpu_suite.parse_args(['--smoke'])
    assert (args.num_images, args.threads, args.batch_size) == (2, 1, 32)
    assert gpu_suite.parse_args([]).num_images == 68
