"""The work dir's layout: the one place that names what a run writes.

Per sample: ``input_masks/<name>.npy`` (+ ``.png``/``.html``),
``feat_masks/<name>.npy``, the extra maps' folders and ``meta/<name>.json``;
per run: the run record, the config dump, ``failed.jsonl``, the logs and
``report.html``; per evaluation: ``eval_<masks folder>/``. Tools, writers,
evaluators, visualisers and benchmarks take the paths from a :class:`WorkDir`.
"""
import fnmatch
import hashlib
import json
import os
import os.path as osp
import shutil
import subprocess
from typing import List, Optional, Sequence, Tuple

import numpy as np

from input_iba import __version__

from .io import TMP_PREFIX, read_json, save_json, writer_is_alive

INPUT_DIR, FEAT_DIR, META_DIR = 'input_masks', 'feat_masks', 'meta'
#: the generator's masks (InputIBA's ``extras``)
GEN_DIR = 'gen_masks'
#: the folders of the other per-sample maps (``AttributionResult.extras``)
EXTRA_DIRS = (GEN_DIR, 'feature_attributions')
#: what an attribution run writes per sample
SAMPLE_DIRS = (INPUT_DIR, FEAT_DIR, META_DIR) + EXTRA_DIRS
#: the failures of the last run, one JSON line per sample
FAILED = 'failed.jsonl'
#: the run record (config hash, seed, code version, machine)
RECORD = 'run.json'
#: the config as the run resolved it
CONFIG_DUMP = 'config.py'
#: the folder of the logs: ``<time>.log`` per run (one per process under torchrun)
LOGS = 'logs'
#: the page of the run (input_iba.visualization.report)
REPORT = 'report.html'
#: an evaluation's folder is this prefix and the masks folder it scored
EVAL_PREFIX = 'eval_'
#: what every tool writes into its out dir besides its own outputs; the logs
#: (the folder ``LOGS``) gain a file per run (a refused run must not erase the
#: log of the results there), and ``--overwrite`` leaves them
RUN_FILES = (RECORD, CONFIG_DUMP, FAILED)


def code_version() -> str:
    """The package version and, in a git checkout, its commit."""
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    try:
        commit = subprocess.run(['git', '-C', root, 'rev-parse', '--short', 'HEAD'],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ''
    return f'{__version__}+{commit}' if commit else __version__


def config_hash(cfg, shards: Sequence[str] = ()) -> str:
    """A hash of everything in the config ``cfg`` that can change results
    (not the work dir or the device, nor the dotted keys of ``shards``)."""
    values = {k: v for k, v in cfg.to_dict().items() if k not in ('work_dir', 'device')}
    for key in shards:
        *parents, last = key.split('.')
        section = values
        for parent in parents:
            section = section.get(parent, {})
        section.pop(last, None)
    blob = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


def run_record(cfg, seed: int, shards: Sequence[str] = ()) -> dict:
    """The record of a run of config ``cfg`` with ``seed``: its
    :func:`config_hash` (without the keys of ``shards``), seed and
    :func:`code_version`."""
    return dict(config_hash=config_hash(cfg, shards), seed=seed, code_version=code_version())


class WorkDir:
    """The outputs of the work dir ``root``: every path a run writes there,
    the run record that claims it, and the removal of what a run wrote
    (``--overwrite``) and of a killed run's temporaries."""

    def __init__(self, root: str):
        self.root = root

    def path(self, *parts: str) -> str:
        """``root/parts...``."""
        return osp.join(self.root, *parts)

    # per sample
    def masks(self, folder: str = INPUT_DIR) -> str:
        """The folder of the maps ``folder``."""
        return self.path(folder)

    def mask(self, name: str, folder: str = INPUT_DIR, ext: str = '.npy') -> str:
        """The map of sample ``name`` in ``folder`` (``ext=''``: the stem the
        visualizer adds its own extension to)."""
        return self.path(folder, name + ext)

    def meta(self, name: str) -> str:
        """The meta record of sample ``name``."""
        return self.path(META_DIR, name + '.json')

    def is_finished(self, name: str) -> bool:
        """Whether sample ``name`` has a readable input mask (a zero-byte or
        broken ``.npy``, left by a full disk or another program, is redone)."""
        path = self.mask(name)
        if not osp.isfile(path):
            return False
        try:
            np.load(path, mmap_mode='r')
        except (ValueError, OSError, EOFError):
            return False
        return True

    # per run and per evaluation
    @property
    def failed(self) -> str:
        return self.path(FAILED)

    @property
    def record(self) -> str:
        return self.path(RECORD)

    @property
    def config_dump(self) -> str:
        return self.path(CONFIG_DUMP)

    @property
    def logs(self) -> str:
        return self.path(LOGS)

    @property
    def report(self) -> str:
        return self.path(REPORT)

    def eval_dir(self, masks: str = INPUT_DIR) -> str:
        """Where the evaluation of the maps in folder ``masks`` goes."""
        return self.path(EVAL_PREFIX + masks)

    # claiming the dir for a run
    def matching(self, patterns: Sequence[str]) -> List[str]:
        """The entries whose name matches one of ``patterns`` (``fnmatch``,
        e.g. ``'eval_*'``), sorted."""
        return sorted(e for e in os.listdir(self.root)
                      if any(fnmatch.fnmatchcase(e, p) for p in patterns))

    def run_outputs(self, outputs: Sequence[str]) -> List[str]:
        """The entries that a run writes: those of ``outputs`` (names or
        patterns), :data:`RUN_FILES` and :data:`LOGS`; everything else there
        is someone else's."""
        return self.matching(tuple(outputs) + RUN_FILES + (LOGS, ))

    def claim(self, record: dict, overwrite: bool,
              outputs: Sequence[str]) -> Tuple[bool, Optional[str]]:
        """Check that the run of ``record`` (:func:`run_record`) may write
        here: the run record names the config hash, seed and code version
        that produced the results there, and another config or seed is
        refused when results (``outputs``) are there, unless ``overwrite``.
        Writes nothing. Returns ``(stale, warning)``: whether the old results
        must go (:meth:`remove_outputs`) before the run starts, and a warning
        when the code version changed."""
        if not osp.isfile(self.record):
            return False, None
        old = read_json(self.record,
                        'the record of the run in the work dir (delete it to start afresh)')
        another = (old['config_hash'], old['seed']) != (record['config_hash'], record['seed'])
        if another and self.matching(outputs):
            if not overwrite:
                raise RuntimeError(
                    f'{self.root} holds results of another run (config hash '
                    f"{old['config_hash']}, seed {old['seed']}; this run: "
                    f"{record['config_hash']}, seed {record['seed']}); resuming would mix "
                    'them. Use the same config and seed, another --work-dir, or '
                    '--overwrite to delete the old results (only what a run writes).')
            return True, None
        if old['code_version'] != record['code_version']:
            return False, (f"{self.root} was started with code {old['code_version']}; "
                           f"resuming with {record['code_version']}.")
        return False, None

    def write_record(self, record: dict) -> None:
        """Write the run record (after :meth:`claim`)."""
        save_json(self.record, record)

    def remove_outputs(self, outputs: Sequence[str]) -> List[str]:
        """Delete the entries that a run writes (:meth:`run_outputs`), but
        not the logs (:data:`LOGS`: this run's is open); returns the entries
        kept because no run writes them."""
        ours = self.run_outputs(outputs)
        for entry in set(ours) - {LOGS}:
            full = self.path(entry)
            shutil.rmtree(full) if osp.isdir(full) and not osp.islink(full) else os.remove(full)
        return sorted(set(os.listdir(self.root)) - set(ours))

    def remove_temporaries(self, outputs: Sequence[str]) -> None:
        """Before a run (before any of its processes writes): delete this
        package's temporaries that a killed run left behind and the previous
        runs' ``failed.jsonl`` (it describes the last run only) in the work
        dir and in its entries ``outputs`` (those a run writes); other files,
        a user's ``.tmp-*`` and a ``failed.jsonl`` in a folder of the user's
        included, stay, and so do the temporaries of a live process (another
        shard of a ROAR study writing into the same work dir)."""
        for folder, _, files in os.walk(self.root):
            top = osp.relpath(folder, self.root).split(os.sep)[0]
            ours = folder == self.root or top in outputs
            for f in files:
                if (f.startswith(TMP_PREFIX) and not writer_is_alive(f)) or (
                        f == FAILED and ours):
                    os.remove(osp.join(folder, f))
