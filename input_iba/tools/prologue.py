"""The start every tool shares: its arguments, the config with the flags
folded in (``cfg.work_dir``, ``cfg.seed``, ``cfg.device``), the work dir,
the config dump, the logger, the global seed, the device and the process
group."""
import argparse
import os
import os.path as osp
from dataclasses import dataclass

import torch
from mmengine import dist
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger

from input_iba.apis.builders import load_config
from input_iba.apis.runner import remove_stale_temporaries
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
    return parser


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
                checks=()):
    """Load ``args.config`` with ``--cfg-options``, fold ``--work-dir``,
    ``--seed`` (default: the config's ``seed``, else 0), ``--device`` and
    ``--batch-size`` into it, run the config ``checks``
    (:func:`~input_iba.apis.validation.check_config`), join the process
    group, make ``out_dir`` (default: the work dir), dump the config and
    remove temporaries of a killed run there (rank 0), open its ``log.txt``
    and seed everything."""
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
    name = f'input_iba:{out_dir}'
    logger = (MMLogger.get_instance(name) if MMLogger.check_instance_created(name)
              else MMLogger.get_instance(name, distributed=world > 1,
                                         log_file=osp.join(out_dir, 'log.txt')))
    if rank == 0:
        cfg.dump(osp.join(out_dir, 'config.py'))
        remove_stale_temporaries(out_dir)
    set_global_seed(seed)
    if 'num_threads' in cfg:  # e.g. 1 on a small shared CPU
        torch.set_num_threads(cfg.num_threads)
    logger.info(f'config {args.config} on {device}, seed {seed}, rank {rank}/{world}')
    return Run(cfg, work_dir, out_dir, device, seed, logger, rank, world,
               getattr(args, 'num_samples', None))
