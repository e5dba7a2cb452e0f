"""A dataset's attributions, stored in shards (the training data of
Empirical Explainers, methods.md §4).

:func:`explain_dataset` runs any attributor over a dataset and writes
``shards/shard-NNNNN.npz``, each covering ``shard_size`` consecutive dataset
indices. A shard is written atomically once all of its samples are done, so
a killed run loses at most the shard in flight and a rerun skips finished
shards. Every shard holds plain arrays (``np.load(..., allow_pickle=False)``):

- ``stop``: the shard covers the dataset indices below it;
- ``index``, ``names``, ``labels`` (-1 = unknown), ``targets`` (the class
  explained), ``seconds`` (attribution time per sample): one per sample;
- ``predictions``: the classifier's logits, ``(n, classes)``;
- ``attributions`` and ``shapes``: the per-position maps, flattened and
  concatenated (text maps differ in length), and each map's shape;
- ``input_ids`` and ``input_lengths`` for token inputs (integer ``inputs``).

:meth:`AttributionStore.export_jsonl` writes the reference's JSON lines
(``input_ids``, ``attributions``, ``predictions``, ``labels``).
"""
import json
import logging
import os
import os.path as osp
import time
import zipfile
from typing import Optional

import numpy as np

from input_iba.models.attributors import BaseAttributor
from input_iba.utils import atomic_path, save_json
from input_iba.utils.layout import WorkDir
from input_iba.utils.ranges import ConfigSection, count

from .batch import TARGET_MODES, AttributedBatch
from .loop import FailureLog, attribute_dataset

SHARD_DIR = 'shards'
LAYOUT = 'layout.json'


class AttributionStore:
    """The shards of one run in ``work_dir/shards``."""

    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.shard_dir = osp.join(work_dir, SHARD_DIR)

    def check_layout(self, shard_size):
        """Record ``shard_size`` in ``layout.json``, or check that it is the
        one the stored shards were written with (shard k holds the indices
        ``k * shard_size`` to ``(k + 1) * shard_size - 1``)."""
        path = osp.join(self.work_dir, LAYOUT)
        if osp.isfile(path):
            with open(path) as f:
                stored = json.load(f)['shard_size']
            if stored != shard_size:
                raise ValueError(
                    f'{self.work_dir} holds shards of {stored} samples, not '
                    f'{shard_size}: set explain.shard_size={stored} to resume, or '
                    'use a new work dir.')
        else:
            save_json(path, dict(shard_size=shard_size))

    def shard_path(self, shard):
        return osp.join(self.shard_dir, f'shard-{shard:05d}.npz')

    def arrays(self, shard, keys=None):
        """The arrays ``keys`` (default all) of shard ``shard``; a damaged
        file raises a ``ValueError`` that names it."""
        path = self.shard_path(shard)
        try:
            with np.load(path, allow_pickle=False) as z:
                return {k: z[k] for k in (keys or z.files)}
        except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as err:
            raise ValueError(f'{path} is not a readable shard ({err}): delete it and rerun '
                             'tools/explain_dataset.py to redo it.') from None

    def is_done(self, shard, stop):
        """Whether shard ``shard`` is stored, readable and covers the indices
        up to ``stop`` (a run on fewer samples leaves the last shard short)."""
        if not osp.isfile(self.shard_path(shard)):
            return False
        try:
            return int(self.arrays(shard, ('stop', ))['stop']) >= stop
        except ValueError:  # damaged (a full disk, another program): redone
            return False

    def shards(self):
        """Numbers of the finished shards, sorted."""
        if not osp.isdir(self.shard_dir):
            return []
        return sorted(int(f[6:11]) for f in os.listdir(self.shard_dir)
                      if f.startswith('shard-') and f.endswith('.npz'))

    def write_shard(self, shard, records, stop):
        """Write ``records`` (dicts as returned by :meth:`records`) of the
        indices below ``stop`` atomically."""
        maps = [np.asarray(r['attributions'], np.float32) for r in records]
        arrays = dict(
            stop=np.array(stop, np.int64),
            index=np.array([r['index'] for r in records], np.int64),
            names=np.array([r['name'] for r in records], dtype=str),
            labels=np.array([r['label'] for r in records], np.int64),
            targets=np.array([r['target'] for r in records], np.int64),
            seconds=np.array([r['seconds'] for r in records], np.float64),
            predictions=np.array([r['prediction'] for r in records], np.float32),
            shapes=np.array([m.shape for m in maps], np.int64).reshape(len(maps), -1),
            attributions=np.concatenate([m.ravel() for m in maps]) if maps
            else np.zeros(0, np.float32))
        if records and records[0].get('input_ids') is not None:
            ids = [np.asarray(r['input_ids'], np.int64) for r in records]
            arrays['input_ids'] = np.concatenate(ids)
            arrays['input_lengths'] = np.array([len(i) for i in ids], np.int64)
        with atomic_path(self.shard_path(shard)) as tmp:
            with open(tmp, 'wb') as f:
                np.savez(f, **arrays)

    def read_shard(self, shard):
        """The records of one shard: dicts with ``index``, ``name``,
        ``attributions`` (shaped), ``prediction`` (logits), ``label``,
        ``target``, ``seconds`` and, for text, ``input_ids``."""
        data = self.arrays(shard)
        sizes = np.prod(data['shapes'], axis=1).astype(np.int64)
        maps = np.split(data['attributions'], np.cumsum(sizes)[:-1])
        ids = (np.split(data['input_ids'], np.cumsum(data['input_lengths'])[:-1])
               if 'input_ids' in data else [None] * len(maps))
        return [dict(index=int(data['index'][k]), name=str(data['names'][k]),
                     attributions=maps[k].reshape(data['shapes'][k]),
                     prediction=data['predictions'][k], label=int(data['labels'][k]),
                     target=int(data['targets'][k]), seconds=float(data['seconds'][k]),
                     input_ids=ids[k]) for k in range(len(maps))]

    def records(self):
        """Every stored record, shard by shard."""
        for shard in self.shards():
            yield from self.read_shard(shard)

    def load(self):
        """``{dataset index: record}``; raises when nothing is stored."""
        out = {r['index']: r for r in self.records()}
        if not out:
            raise FileNotFoundError(
                f'No attribution shards in {self.shard_dir}: run '
                'tools/explain_dataset.py CONFIG --work-dir '
                f'{self.work_dir} first.')
        return out

    def export_jsonl(self, path):
        """The reference's JSON lines: one object per sample with
        ``input_ids`` (text only), ``attributions``, ``predictions`` (logits)
        and ``labels``, plus ``name`` and ``target``. Returns the count."""
        count = 0
        with atomic_path(path) as tmp:
            with open(tmp, 'w', encoding='utf-8') as f:
                for r in self.records():
                    line = dict(name=r['name'], labels=r['label'], target=r['target'],
                                predictions=r['prediction'].tolist(),
                                attributions=r['attributions'].tolist())
                    if r['input_ids'] is not None:
                        line['input_ids'] = r['input_ids'].tolist()
                    f.write(json.dumps(line) + '\n')
                    count += 1
        return count


def _record(index: int, attributed: AttributedBatch, row: int) -> dict:
    """The stored record of dataset sample ``index``, row ``row`` of the
    batch (see :meth:`AttributionStore.read_shard`)."""
    item, ids = attributed.items[row], attributed.items[row]['inputs']
    return dict(index=index, name=item['name'], attributions=attributed.mask(row).numpy(),
                prediction=attributed.logits[row].numpy(),
                label=int(attributed.batch['targets'][row]),
                target=int(attributed.targets[row]), seconds=attributed.seconds,
                input_ids=ids.numpy() if not ids.is_floating_point() else None)


def explain_dataset(attributor: BaseAttributor, dataset, work_dir: str, *, batch_size: int,
                    shard_size: int = 256, seed: int = 0,
                    num_samples: Optional[int] = None, target: str = 'prediction',
                    progress: bool = True, logger: Optional[logging.Logger] = None,
                    rank: int = 0, world_size: int = 1) -> dict:
    """Attribute the first ``num_samples`` samples of ``dataset`` (all by
    default) into shards of ``work_dir``; finished shards are skipped.

    Process ``rank`` of ``world_size`` does the unfinished shards whose
    number is ``rank`` modulo ``world_size`` (each sample's seed derives
    from its name, so a shard does not depend on which process wrote it);
    ``done``, ``failed`` and ``seconds`` in the summary are this process's.

    ``target``: ``'prediction'`` (default, the reference: an empirical
    explainer sees only the input, so it can only learn explanations of the
    predicted class) or ``'label'`` (the prediction where no label is known).
    Samples that fail (to load, or to be attributed) are left out of their
    shard and listed in ``failed.jsonl``.
    Returns a summary dict.
    """
    if target not in TARGET_MODES:
        raise ValueError(f'target must be one of {TARGET_MODES}, got {target!r}.')
    store = AttributionStore(work_dir)
    store.check_layout(shard_size)
    count = len(dataset) if num_samples is None else min(num_samples, len(dataset))
    num_shards = -(-count // shard_size)
    def stop(shard):
        return min(count, (shard + 1) * shard_size)

    unfinished = [s for s in range(num_shards) if not store.is_done(s, stop(s))]
    todo = [s for s in unfinished if s % world_size == rank]
    summary = dict(samples=count, shards=num_shards,
                   skipped_shards=num_shards - len(unfinished), done=0, failed=0, seconds=0.0)

    failures = FailureLog(WorkDir(work_dir).failed)
    method = type(attributor).__name__
    start = time.time()
    for shard in todo:
        records = []
        counts = attribute_dataset(attributor, dataset, range(shard * shard_size, stop(shard)),
                                   batch_size, lambda *sample: records.append(_record(*sample)),
                                   failures, seed=seed, targets=target,
                                   progress=progress,
                                   desc=f'{method} (shard {shard + 1} of {num_shards})')
        store.write_shard(shard, records, stop(shard))
        for key in ('done', 'failed'):
            summary[key] += counts[key]
    summary['seconds'] = time.time() - start
    if logger is not None:
        logger.info('explain_dataset summary: ' + json.dumps(summary))
    return summary


explain_dataset.value_ranges = dict(shard_size=count(), batch_size=count(),
                                    num_samples=count(optional=True))
#: the config's ``explain`` section (tools/explain_dataset.py)
explain_dataset.config_section = ConfigSection(
    'explain', passed=('attributor', 'dataset', 'work_dir', 'seed', 'progress', 'logger',
                       'batch_size', 'rank', 'world_size'))
