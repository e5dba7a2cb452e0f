"""The command-line arguments every tool shares."""
import argparse

import torch
from mmengine import dist
from mmengine.config import DictAction


def tool_parser(description, work_dir_help='where results, logs and the '
                'config dump go'):
    """A parser with ``config``, ``--work-dir``, ``--cfg-options`` and
    ``--device``; tools add their own arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='Python config file')
    parser.add_argument('--work-dir', required=True, help=work_dir_help)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='override config keys, key=value')
    parser.add_argument('--device', default=None,
                        help="'cpu' or 'cuda' (default: cuda if available)")
    return parser


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
