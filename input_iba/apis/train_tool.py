"""The command line shared by tools/vision/train.py and tools/nlp/train_nlp.py."""
import os
import os.path as osp

import torch
from mmengine import dist
from mmengine.logging import MMLogger

from input_iba.utils import set_global_seed

from .builders import (build_attributor, build_dataset, build_model,
                       build_visualizer, load_config, prepare_statistics)
from .cli import resolve_device, tool_parser
from .runner import remove_stale_temporaries, run_attribution


def parse_args(description, argv=None):
    parser = tool_parser(description, 'where masks, logs and the config dump go')
    parser.add_argument('--seed', type=int, default=None,
                        help='global seed (default: the config, else 0)')
    parser.add_argument('--num-samples', type=int, default=None,
                        help='only the first N samples of the dataset')
    parser.add_argument('--batch-size', type=int, default=None,
                        help='samples optimised together (default: the config, '
                        'else 8 on a GPU and 1 on a CPU)')
    return parser.parse_args(argv)


def default_batch_size(device):
    """Samples per batch when neither --batch-size nor the config sets it.

    On a GPU, batching fills the device (8). On a CPU one sample with its
    noise copies already keeps the cores busy; larger batches measured slower
    per image and use far more memory (benchmarks/input_iba_throughput.py).
    """
    return 8 if str(device).startswith('cuda') else 1


def _init_distributed(device):
    """Join the process group that torchrun describes (no-op otherwise):
    NCCL with one GPU per process, gloo on CPU."""
    if int(os.environ.get('WORLD_SIZE', 1)) <= 1 or dist.is_distributed():
        return
    if torch.cuda.is_available() and device != 'cpu':
        dist.init_dist('pytorch', backend='nccl')
    else:
        torch.distributed.init_process_group('gloo')


def main(description, argv=None):
    """Attribute a dataset from a config; returns the run summary."""
    args = parse_args(description, argv)
    cfg = load_config(args.config, args.cfg_options)
    _init_distributed(args.device)
    rank, world = dist.get_rank(), dist.get_world_size()
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    logger_name = f'input_iba:{work_dir}'
    logger = (MMLogger.get_instance(logger_name)
              if MMLogger.check_instance_created(logger_name) else
              MMLogger.get_instance(logger_name, distributed=world > 1,
                                    log_file=osp.join(work_dir, 'log.txt')))
    if rank == 0:
        cfg.dump(osp.join(work_dir, 'config.py'))
        remove_stale_temporaries(work_dir)
    seed = args.seed if args.seed is not None else cfg.get('seed', 0)
    set_global_seed(seed)
    device = resolve_device(args.device)
    logger.info(f'config {args.config} on {device}, seed {seed}, '
                f'rank {rank}/{world}')
    model = build_model(cfg.model, device)
    attributor = build_attributor(cfg.attributor, model)
    if rank == 0:
        prepare_statistics(cfg, attributor, work_dir, logger)
    dist.barrier()
    if rank != 0:
        prepare_statistics(cfg, attributor, work_dir, logger)
    dataset = build_dataset(cfg.data.attribute)
    count = len(dataset) if args.num_samples is None else min(
        args.num_samples, len(dataset))
    shard = list(range(rank, count, world))
    batch_size = args.batch_size or cfg.get('attribution', {}).get(
        'batch_size') or default_batch_size(device)
    summary = run_attribution(attributor, dataset, work_dir,
                              build_visualizer(cfg.visualizer), batch_size,
                              seed, shard, progress=rank == 0, logger=logger)
    dist.barrier()
    if rank == 0:
        print(f'Masks written to {osp.join(work_dir, "input_masks")} '
              f'({summary["done"]} new, {summary["skipped"]} already done, '
              f'{summary["failed"]} failed; see failed.jsonl)')
    return summary
