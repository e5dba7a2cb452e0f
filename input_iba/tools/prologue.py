"""The start every tool shares: its arguments, the config with the flags
folded in (``cfg.work_dir``, ``cfg.seed``, ``cfg.device``), the work dir,
the config dump, the logger, the global seed, the device and the process
group."""
import argparse
import hashlib
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
from dataclasses import dataclass

import torch
from mmengine import dist
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger

from input_iba.apis.builders import load_config
from input_iba import __version__
from input_iba.apis.runner import clean_work_dir
from input_iba.apis.validation import check_config
from input_iba.utils import set_global_seed


#: sections whose own ``seed`` key gave way to the top-level ``seed``
SEEDED_SECTIONS = ('train', 'explain')


def tool_parser(description, work_dir_help='where results, logs and the '
                'config dump go'):
    """A parser with ``config``, ``--work-dir``, ``--cfg-options``,
    ``--device`` and ``--seed``; tools add their own arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='Python config file')
    parser.add_argument('--work-dir', required=True, help=work_dir_help)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='override config keys, key=value')
    parser.add_argument('--device', default=None,
                        help="'cpu' or 'cuda' (default: cuda if available)")
    parser.add_argument('--seed', type=int, default=None,
                        help='global seed (default: the config, else 0)')
    parser.add_argument('--overwrite', action='store_true',
                        help='delete the results of another config or seed in the '
                        'work dir instead of refusing to mix them')
    return parser


RECORD = 'run.json'


def code_version():
    """The package version and, in a git checkout, its commit."""
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    try:
        commit = subprocess.run(['git', '-C', root, 'rev-parse', '--short', 'HEAD'],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ''
    return f'{__version__}+{commit}' if commit else __version__


def config_hash(cfg, shards=()):
    """A hash of everything in ``cfg`` that can change results (not the work
    dir or the device, nor the dotted keys of ``shards``)."""
    values = {k: v for k, v in cfg.to_dict().items() if k not in ('work_dir', 'device')}
    for key in shards:
        *parents, last = key.split('.')
        section = values
        for parent in parents:
            section = section.get(parent, {})
        section.pop(last, None)
    blob = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


def check_record(out_dir, cfg, seed, overwrite, shards=()):
    """``out_dir/run.json`` names the config hash, seed and code version that
    produced the results there. Another config or seed is refused when
    results are there (or, with ``overwrite``, they are deleted); keys of
    ``shards`` may differ (a tool that keeps their results apart, e.g. the
    ROAR study's seeds and measures, checks them itself). Writes the record
    of this run; returns a warning when the code version changed, else None."""
    path, warning = osp.join(out_dir, RECORD), None
    record = dict(config_hash=config_hash(cfg, shards), seed=seed, code_version=code_version())
    if osp.isfile(path):
        with open(path) as f:
            old = json.load(f)
        results = set(os.listdir(out_dir)) - {RECORD, 'config.py', 'log.txt', 'failed.jsonl'}
        if results and (old['config_hash'], old['seed']) != (record['config_hash'], seed):
            if not overwrite:
                raise RuntimeError(
                    f'{out_dir} holds results of another run (config hash '
                    f"{old['config_hash']}, seed {old['seed']}; this run: "
                    f"{record['config_hash']}, seed {seed}); resuming would mix "
                    'them. Use the same config and seed, another --work-dir, or '
                    '--overwrite to delete the old results.')
            for entry in os.listdir(out_dir):
                full = osp.join(out_dir, entry)
                shutil.rmtree(full) if osp.isdir(full) else os.remove(full)
        elif old['code_version'] != record['code_version']:
            warning = (f"{out_dir} was started with code {old['code_version']}; "
                       f"resuming with {record['code_version']}.")
    with open(path, 'w') as f:
        json.dump(record, f, indent=2)
    return warning


def failure_status(summary):
    """Exit status of a tool's ``main`` result: 1 (and how many) when
    samples failed, else 0."""
    failed = summary.get('failed', 0) if isinstance(summary, dict) else 0
    if failed:
        print(f"{failed} of {summary.get('total', summary.get('samples'))} samples failed: "
              'see failed.jsonl',
              file=sys.stderr)
    return 1 if failed else 0


def positive_int(text):
    """argparse type: an int of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {value}')
    return value


def add_sample_flags(parser, batch_size=True):
    """``--num-samples`` (the first N samples) and, where the tool attributes,
    ``--batch-size`` (folded into ``attribution.batch_size``)."""
    parser.add_argument('--num-samples', type=positive_int, default=None,
                        help='only the first N samples of the dataset')
    if batch_size:
        parser.add_argument('--batch-size', type=positive_int, default=None,
                            help='samples attributed together (attribution.batch_size)')


def resolve_device(arg):
    """``--device`` -> a device string; one GPU per process under torchrun."""
    if arg is None:
        arg = 'cuda' if torch.cuda.is_available() else 'cpu'
    if arg.startswith('cuda') and not torch.cuda.is_available():
        raise RuntimeError('--device cuda was asked for but no GPU is visible; '
                           'use --device cpu.')
    if arg == 'cuda' and dist.get_world_size() > 1:
        return f'cuda:{dist.get_local_rank()}'
    return arg


def init_distributed(device):
    """Join the process group that torchrun describes (no-op otherwise):
    NCCL with one GPU per process, gloo on CPU."""
    if int(os.environ.get('WORLD_SIZE', 1)) <= 1 or dist.is_distributed():
        return
    if torch.cuda.is_available() and device != 'cpu':
        dist.init_dist('pytorch', backend='nccl')
    else:
        torch.distributed.init_process_group('gloo')


@dataclass
class Run:
    """What :func:`prepare_run` prepared. ``out_dir`` holds the config dump
    and ``log.txt`` (the work dir, unless the tool writes into another
    tool's work dir)."""
    cfg: Config
    work_dir: str
    out_dir: str
    device: str
    seed: int
    logger: MMLogger
    rank: int = 0
    world_size: int = 1
    num_samples: int = None

    def count(self, dataset):
        """How many samples to process: ``--num-samples``, at most all."""
        return len(dataset) if self.num_samples is None else min(self.num_samples,
                                                                  len(dataset))


def prepare_run(args, required=('model', 'attributor', 'data'), out_dir=None,
                checks=(), shards=()):
    """Load ``args.config`` with ``--cfg-options``, fold ``--work-dir``,
    ``--seed`` (default: the config's ``seed``, else 0), ``--device`` and
    ``--batch-size`` into it, run the config ``checks``
    (:func:`~input_iba.apis.validation.check_config`), join the process
    group, make ``out_dir`` (default: the work dir), dump the config and
    remove temporaries of a killed run there (rank 0), open its ``log.txt``
    and seed everything. ``shards``: config keys that processes sharing the
    work dir may set differently (see :func:`check_record`)."""
    cfg = load_config(args.config, args.cfg_options, required=required)
    for section in SEEDED_SECTIONS:
        if 'seed' in cfg.get(section, {}):
            raise KeyError(f'{section}.seed is no longer read: set the top-level '
                           '`seed = ...` of the config (or --seed).')
    if getattr(args, 'batch_size', None) is not None:
        cfg.merge_from_dict({'attribution.batch_size': args.batch_size})
    check_config(cfg, checks)
    init_distributed(args.device)
    rank, world = dist.get_rank(), dist.get_world_size()
    work_dir = osp.abspath(args.work_dir)
    out_dir = work_dir if out_dir is None else osp.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    seed = args.seed if args.seed is not None else cfg.get('seed', 0)
    device = resolve_device(args.device)
    cfg.merge_from_dict(dict(work_dir=work_dir, seed=seed, device=device))
    warning = check_record(out_dir, cfg, seed, args.overwrite, shards) if rank == 0 else None
    name = f'input_iba:{out_dir}'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, distributed=world > 1,
                                         log_file=osp.join(out_dir, 'log.txt')))
    if rank == 0:
        cfg.dump(osp.join(out_dir, 'config.py'))
        clean_work_dir(out_dir)
    if warning:
        logger.warning(warning)
    set_global_seed(seed)
    if 'num_threads' in cfg:  # e.g. 1 on a small shared CPU
        torch.set_num_threads(cfg.num_threads)
    logger.info(f'config {args.config} on {device}, seed {seed}, rank {rank}/{world}')
    return Run(cfg, work_dir, out_dir, device, seed, logger, rank, world,
               getattr(args, 'num_samples', None))
