"""The start every tool shares: its arguments, the config with the flags
folded in (``cfg.work_dir``, ``cfg.seed``, ``cfg.device``), the work dir,
the config dump, the logger, the global seed, the device and the process
group."""
import argparse
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Tuple, Union

import torch
from mmengine import dist
from mmengine.config import Config, DictAction
from mmengine.logging import MMLogger

from input_iba.apis.builders import load_config, prepare_statistics
from input_iba.apis.validation import check_config
from input_iba.utils import set_global_seed
from input_iba.utils.layout import FAILED, WorkDir, run_record
from input_iba.utils.machine import describe_machine
from input_iba.utils.ranges import check_values, count, integer

#: sections whose own ``seed`` key gave way to the top-level ``seed``
SEEDED_SECTIONS = ('train', 'explain')
#: what the top-level values this module reads accept
TOP_LEVEL_RANGES = dict(seed=integer(), num_threads=count())


class ConfigOptions(DictAction):
    """mmengine's ``key=value`` overrides, except that a value with spaces
    and no brackets or commas stays as written (mmengine deletes the spaces:
    a path ``/my images`` became ``/myimages``), and an argument without
    ``=`` (the rest of an unquoted spaced value) is an error saying to quote."""

    def __call__(self, parser, namespace, values, option_string=None):
        options = dict(getattr(namespace, self.dest, None) or {})
        for pair in values or ():
            key, sep, value = pair.partition('=')
            if not sep:
                parser.error(f"{option_string}: {pair!r} is not key=value; quote a value "
                             "with spaces as one argument, e.g. 'data.attribute.root=/my "
                             "images'")
            spaced = ' ' in value.strip() and not any(c in value for c in '[](),')
            options[key] = value if spaced else self._parse_iterable(value)
        setattr(namespace, self.dest, options)


def tool_parser(description, work_dir_help='where results, logs and the '
                'config dump go'):
    """A parser with ``config``, ``--work-dir``, ``--cfg-options``,
    ``--device`` and ``--seed``; tools add their own arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help='Python config file')
    parser.add_argument('--work-dir', required=True, help=work_dir_help)
    parser.add_argument('--cfg-options', nargs='+', action=ConfigOptions,
                        default={}, help="override config keys, key=value (quote a value "
                        "with spaces: 'key=a b')")
    parser.add_argument('--device', default=None,
                        help="'cpu' or 'cuda' (default: cuda if available)")
    parser.add_argument('--seed', type=int, default=None,
                        help='global seed (default: the config, else 0)')
    parser.add_argument('--overwrite', action='store_true',
                        help='delete the results of another config or seed in the '
                        'work dir instead of refusing to mix them (only what a run '
                        'writes, once every check has passed; other files stay)')
    return parser


def data_paths(section, where='data'):
    """``(dotted key, path)`` of every string in a config ``section`` (nested
    dicts and lists) that names an existing file or folder."""
    if isinstance(section, dict):
        items = section.items()
    elif isinstance(section, (list, tuple)):
        items = enumerate(section)
    else:
        return [(where, section)] if isinstance(section, str) and osp.exists(section) else []
    return [found for key, value in items for found in data_paths(value, f'{where}.{key}')]


def check_data_outside(cfg, work_dir):
    """Refuse a work dir that holds the input data (``--overwrite`` and the
    outputs would mix with it)."""
    root = osp.realpath(work_dir)
    for key, path in data_paths(cfg.get('data', {})):
        real = osp.realpath(path)
        if real == root or real.startswith(root + os.sep):
            raise ValueError(f'--work-dir {work_dir} contains the input data ({key} = '
                             f'{path!r}): outputs would be written among it. Choose a '
                             'work dir outside the data.')


#: set by tools/dist_train.sh: the file where the processes leave the exit
#: status (they exit 0, so that torchrun reports no failed process)
STATUS_FILE_ENV = 'INPUT_IBA_STATUS_FILE'


def failure_status(summary):
    """Exit status of a tool's ``main`` result (the totals of every
    process): 1 when samples failed, else 0; the first process says how
    many. Under tools/dist_train.sh the status goes to its file instead."""
    failed = summary.get('failed', 0) if isinstance(summary, dict) else 0
    status = 1 if failed else 0
    first = dist.get_rank() == 0
    if failed and first:
        print(f"{failed} of {summary.get('total', summary.get('samples'))} samples failed: "
              f'see {FAILED}', file=sys.stderr)
    if os.environ.get(STATUS_FILE_ENV):
        if first:
            with open(os.environ[STATUS_FILE_ENV], 'w') as f:
                f.write(str(status))
        return 0
    return status


#: set to 1 to see the traceback of an error instead of its one line
TRACEBACK_ENV = 'INPUT_IBA_TRACEBACK'


def run_tool(main: Callable, doc: str) -> int:
    """Run a tool's ``main`` (with the first line of its script's ``doc``)
    as a script; return the exit status: :func:`failure_status`, or 1 for
    an error, which is one line on stderr (its traceback with
    ``INPUT_IBA_TRACEBACK=1``)."""
    try:
        return failure_status(main(doc.splitlines()[0]))
    except Exception as err:  # noqa: BLE001 - every error gets its one line
        if os.environ.get(TRACEBACK_ENV):
            raise
        message = err.args[0] if len(err.args) == 1 and isinstance(err.args[0], str) else err
        where = f' (process {dist.get_rank()})' if dist.get_world_size() > 1 else ''
        print(f'error{where}: {message} [{type(err).__name__}; {TRACEBACK_ENV}=1 shows '
              'the traceback]', file=sys.stderr)
        return 1


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


def log_file(out_dir: str) -> str:
    """This run's log, ``out_dir/logs/<start time>.log`` (``_2``, ``_3``, ...
    after the time when an earlier run started in the same second; the first
    process names it for all, and mmengine adds the rank to the name of each
    process's file): the logs of earlier runs stay."""
    folder = WorkDir(out_dir).logs
    name = [None]
    if dist.get_rank() == 0:
        os.makedirs(folder, exist_ok=True)
        stamp, files = time.strftime('%Y%m%d_%H%M%S'), os.listdir(folder)
        name[0] = next(c for c in [stamp] + [f'{stamp}_{i}' for i in range(2, len(files) + 2)]
                       if not any(f.startswith((c + '.', c + '_')) for f in files))
    dist.broadcast_object_list(name)
    return osp.join(folder, name[0] + '.log')


@dataclass
class Run:
    """What :func:`prepare_run` prepared. ``out_dir`` holds the config dump
    and the logs (the work dir, unless the tool writes into another
    tool's work dir). Nothing is written there (but the log) until
    :meth:`commit`."""
    cfg: Config
    work_dir: str
    out_dir: str
    device: str
    seed: int
    logger: MMLogger
    rank: int = 0
    world_size: int = 1
    num_samples: Optional[int] = None
    record: dict = field(default_factory=dict)
    stale: bool = False
    outputs: Tuple[str, ...] = ()

    def count(self, dataset) -> int:
        """How many samples to process: ``--num-samples``, at most all."""
        return len(dataset) if self.num_samples is None else min(self.num_samples,
                                                                  len(dataset))

    def commit(self) -> None:
        """Call once every check has passed (the model and attributors
        built), before any work: with ``--overwrite``, delete the old run's
        outputs (only what a run writes: files of the user stay, and are
        named in the log); write the run record and the config dump; remove
        temporaries of a killed run (rank 0, then every process waits)."""
        if self.rank == 0:
            out = WorkDir(self.out_dir)
            if self.stale:
                kept = out.remove_outputs(self.outputs)
                self.logger.warning(f'--overwrite: removed the results of the previous run '
                                    f'in {self.out_dir}' + (
                                        f'; kept what no run writes: {", ".join(kept)}'
                                        if kept else ''))
            out.write_record(self.record)
            self.cfg.dump(out.config_dump)
            out.remove_temporaries(out.run_outputs(self.outputs))
        dist.barrier()

    def prepare_statistics(self, attributor) -> None:
        """The attributor's layer statistics, estimated (or loaded) by
        process 0; the other processes wait, then load them from the work dir."""
        if self.rank == 0:
            prepare_statistics(self.cfg, attributor, self.work_dir, self.logger)
        dist.barrier()
        if self.rank != 0:
            prepare_statistics(self.cfg, attributor, self.work_dir, self.logger)

    @staticmethod
    def total(summary: dict, shared: Sequence[str] = ()) -> dict:
        """The summaries of every process summed (``seconds``: the longest;
        the keys ``shared``, the same in every process: rank 0's), on every
        process."""
        parts = dist.all_gather_object(summary)
        return {key: parts[0][key] if key in shared else
                (max if key == 'seconds' else sum)(part[key] for part in parts)
                for key in summary}


def prepare_run(args: argparse.Namespace, required: Sequence[str] = ('model', 'attributor', 'data'),
                out_dir: Optional[str] = None, checks: Sequence[Union[str, Callable]] = (),
                shards: Sequence[str] = (),
                outputs: Union[Sequence[str], Callable[[Config], Sequence[str]]] = ()) -> Run:
    """Load ``args.config`` with ``--cfg-options``, fold ``--work-dir``,
    ``--seed`` (default: the config's ``seed``, else 0), ``--device`` and
    ``--batch-size`` into it, run the config ``checks``
    (:func:`~input_iba.apis.validation.check_config`), refuse a work dir
    that holds the input data, join the process group, make ``out_dir``
    (default: the work dir), claim it (:meth:`~input_iba.utils.layout.WorkDir.claim`),
    open this run's log (:func:`log_file`) and seed everything. ``outputs``: the names (or
    ``fnmatch`` patterns) of what the tool writes into ``out_dir``, or a
    function of the config that gives them; ``--overwrite`` removes only
    those, at :meth:`Run.commit`. ``shards``: config keys that processes
    sharing the work dir may set differently (a tool that keeps their results
    apart, e.g. the ROAR study's seeds and measures, checks them itself)."""
    cfg = load_config(args.config, args.cfg_options, required=required)
    for section in SEEDED_SECTIONS:
        if 'seed' in cfg.get(section, {}):
            raise KeyError(f'{section}.seed is no longer read: set the top-level '
                           '`seed = ...` of the config (or --seed).')
    if getattr(args, 'batch_size', None) is not None:
        cfg.merge_from_dict({'attribution.batch_size': args.batch_size})
    check_config(cfg, checks, options=args.cfg_options)
    check_values('config', cfg, TOP_LEVEL_RANGES)
    work_dir = osp.abspath(args.work_dir)
    out_dir = work_dir if out_dir is None else osp.abspath(out_dir)
    check_data_outside(cfg, out_dir)
    init_distributed(args.device)
    rank, world = dist.get_rank(), dist.get_world_size()
    os.makedirs(out_dir, exist_ok=True)
    seed = args.seed if args.seed is not None else cfg.get('seed', 0)
    device = resolve_device(args.device)
    cfg.merge_from_dict(dict(work_dir=work_dir, seed=seed, device=device))
    outputs = tuple(outputs(cfg) if callable(outputs) else outputs)
    record, stale, warning = None, False, None
    if rank == 0:
        record = run_record(cfg, seed, shards)
        stale, warning = WorkDir(out_dir).claim(record, args.overwrite, outputs)
    path = log_file(out_dir)
    logger = MMLogger.get_instance(f'input_iba:{path}', distributed=world > 1,
                                   file_mode='a', log_file=path)
    if warning:
        logger.warning(warning)
    set_global_seed(seed)
    if 'num_threads' in cfg:  # e.g. 1 on a small shared CPU
        torch.set_num_threads(cfg.num_threads)
    if record is not None:  # which machine made the results (report.html shows it)
        record['machine'] = describe_machine(device)
    logger.info(f'config {args.config} on {device}, seed {seed}, rank {rank}/{world}')
    return Run(cfg, work_dir, out_dir, device, seed, logger, rank, world,
               getattr(args, 'num_samples', None), record, stale, outputs)
