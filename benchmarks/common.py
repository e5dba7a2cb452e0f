"""The options that benchmarks share, spelled once: ``--work-dir`` (where a
benchmark writes, or the finished study it reads), ``--threads``,
``--device``, ``--cfg-options`` and ``--smoke`` (its smallest setting, run by
tests/test_benchmarks_smoke.py); and how a benchmark starts a copy of itself
in a fresh process. Benchmarks run from the repository root as modules::

    python -m benchmarks.speed.input_iba_throughput --help
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
from typing import Optional, Sequence

import torch

from input_iba.tools.prologue import ConfigOptions, resolve_device

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: InputIBA under ``--smoke``: every stage runs, 2 steps on 2 noise copies, and
#: a GAN (where the schedule trains one) on one batch of 2, one critic step
SMOKE_SCHEDULE = dict(feat_iba=dict(steps=2, copies=2), input_iba=dict(steps=2, copies=2),
                      gan=dict(dataset_size=2, subset_size=2, batch_size=2, critic_iters=1))


def add_common_options(parser: argparse.ArgumentParser, *, config: bool = False,
                       work_dir: Optional[str] = None, default_work_dir: Optional[str] = None,
                       threads: bool = True, device: bool = False, cfg_options: bool = False,
                       smoke: Optional[str] = None) -> argparse.ArgumentParser:
    """Add the shared options a benchmark takes: a positional ``config``;
    ``--work-dir`` (its help ``work_dir``; required unless
    ``default_work_dir``); ``--threads`` (default 1; 0: torch's default);
    ``--device`` (default: cuda if available); ``--cfg-options`` (key=value,
    as the tools take them); ``--smoke`` (its help ``smoke``: what the
    smallest setting is)."""
    if config:
        parser.add_argument('config', help='Python config file')
    if work_dir:
        parser.add_argument('--work-dir', required=default_work_dir is None,
                            default=default_work_dir, help=work_dir)
    if threads:
        parser.add_argument('--threads', type=int, default=1,
                            help="torch CPU threads (default 1; 0: torch's default)")
    if device:
        parser.add_argument('--device', help="'cpu' or 'cuda' (default: cuda if available)")
    if cfg_options:
        parser.add_argument('--cfg-options', nargs='+', action=ConfigOptions, default={},
                            help='override config keys, key=value')
    if smoke:
        parser.add_argument('--smoke', action='store_true', help=smoke)
    return parser


def benchmark_parser(doc: str, **options) -> argparse.ArgumentParser:
    """A parser whose help is the benchmark's docstring ``doc``, with the
    shared ``options`` of :func:`add_common_options`."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    return add_common_options(parser, **options)


def parse_args(parser: argparse.ArgumentParser,
               argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse ``argv``, then apply ``--threads`` and resolve ``--device``."""
    args = parser.parse_args(argv)
    if getattr(args, 'threads', 0):
        torch.set_num_threads(args.threads)
    if hasattr(args, 'device'):
        args.device = resolve_device(args.device)
    return args


def smoke_options(prefix: str = 'attributor') -> dict:
    """:data:`SMOKE_SCHEDULE` as config options of the InputIBA at ``prefix``."""
    return {f'{prefix}.{stage}': value for stage, value in SMOKE_SCHEDULE.items()}


def run_module(module: str, args: Sequence[str]) -> subprocess.CompletedProcess:
    """Run ``python -m module args`` in a fresh process (the repository
    importable from any directory); its output captured, as text."""
    path = os.pathsep.join(p for p in (ROOT, os.environ.get('PYTHONPATH')) if p)
    return subprocess.run([sys.executable, '-m', module, *args], capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=path))
