"""The per-sample attribution loop shared by the train tools.

It skips finished samples, batches the rest, writes every output file
atomically (the ``.npy`` of ``input_masks/`` last, so its presence marks a
finished sample), records bad samples in ``failed.jsonl`` and goes on.
"""
import json
import os
import os.path as osp
import time
from collections import Counter

import numpy as np
import torch
from tqdm import tqdm

from input_iba.datasets import load_items
from input_iba.datasets.class_names import class_name, class_names_of
from input_iba.models.attributors.batch import attribute_items
from input_iba.utils import append_jsonl, save_json, save_npy
from input_iba.utils.io import TMP_PREFIX, writer_is_alive
from input_iba.utils.layout import EXTRA_DIRS, FAILED, FEAT_DIR, INPUT_DIR, META_DIR


def clean_work_dir(work_dir, outputs):
    """Before a run (before any of its processes writes): delete this
    package's temporaries that a killed run left behind and the previous
    runs' ``failed.jsonl`` (it describes the last run only) in the work dir
    and in its entries ``outputs`` (those a run writes); other files, a
    user's ``.tmp-*`` and a ``failed.jsonl`` in a folder of the user's
    included, stay, and so do the temporaries of a live process (another
    shard of a ROAR study writing into the same work dir)."""
    for folder, _, files in os.walk(work_dir):
        top = osp.relpath(folder, work_dir).split(os.sep)[0]
        ours = folder == work_dir or top in outputs
        for f in files:
            if (f.startswith(TMP_PREFIX) and not writer_is_alive(f)) or (f == FAILED and ours):
                os.remove(osp.join(folder, f))


def check_unique_names(dataset, indices):
    """Outputs are named after samples: two samples with one name (``x.jpg``
    and ``x.png``) would overwrite each other, so they are refused."""
    seen = {}
    for i in indices:
        name = dataset.sample_name(i)
        if name in seen:
            raise ValueError(f'Samples {seen[name]} and {i} share the name {name!r} '
                             '(e.g. x.jpg and x.png in one folder): outputs are named '
                             'after samples, so rename or remove one of them.')
        seen[name] = i


def is_finished(work_dir, name):
    """Whether sample ``name`` has a readable input mask (a zero-byte or
    broken ``.npy``, left by a full disk or another program, is redone)."""
    path = osp.join(work_dir, INPUT_DIR, name + '.npy')
    if not osp.isfile(path):
        return False
    try:
        np.load(path, mmap_mode='r')
    except (ValueError, OSError, EOFError):
        return False
    return True


def _record_failure(work_dir, name, reason):
    append_jsonl(osp.join(work_dir, FAILED),
                 dict(name=name, reason=reason, time=time.time()))
    tqdm.write(f'skipped {name}: {reason}')


def _write_sample(work_dir, attributed, row, visualizer, meta):
    item, result = attributed.items[row], attributed.result
    name = item['name']
    if result.feat_masks is not None:
        feat = attributed.cut(result.feat_masks, row).numpy()
        save_npy(osp.join(work_dir, FEAT_DIR, name + '.npy'), feat)
        visualizer(osp.join(work_dir, FEAT_DIR, name), item, feat, meta)
    for key, maps in result.extras.items():
        if key not in EXTRA_DIRS:  # --overwrite must be able to name every output
            raise KeyError(f'extras {key!r} is not in layout.EXTRA_DIRS: add it there.')
        save_npy(osp.join(work_dir, key, name + '.npy'), attributed.cut(maps, row).numpy())
    mask = attributed.mask(row).numpy()
    visualizer(osp.join(work_dir, INPUT_DIR, name), item, mask, meta)
    save_json(osp.join(work_dir, META_DIR, name + '.json'), meta)
    save_npy(osp.join(work_dir, INPUT_DIR, name + '.npy'), mask)


def run_attribution(attributor, dataset, work_dir, visualizer, batch_size=1,
                    seed=0, indices=None, progress=True, logger=None):
    """Attribute every sample of ``dataset`` (or ``indices``) into ``work_dir``.

    Each sample's ``meta/<name>.json`` holds the explained class (``target``,
    ``target_name``, ``target_probability``), the predicted one
    (``prediction``, ``prediction_name``, ``prediction_probability``), the
    ``label`` (-1: unknown), the seconds of its batch and the method's own
    numbers; the names are the dataset's ``class_names``, None without them.
    The visualizer gets the meta too: ``visualizer(path_stem, item, mask, meta)``.

    Returns a summary dict: counts of samples done, skipped (finished
    before), failed, and among those done the documents ``truncated`` to the
    model (tokenised text; each meta says how many words) and ``chunked``
    (split into chunks by MaRC); seconds.
    """
    indices = list(range(len(dataset))) if indices is None else list(indices)
    check_unique_names(dataset, indices)
    todo = [i for i in indices
            if not is_finished(work_dir, dataset.sample_name(i))]
    summary = dict(total=len(indices), skipped=len(indices) - len(todo),
                   done=0, failed=0, truncated=0, chunked=0, seconds=0.0)
    class_names = class_names_of(dataset)
    bar = tqdm(total=len(todo), desc='attribution', disable=not progress)
    start = time.time()
    for pos in range(0, len(todo), batch_size):
        chunk = todo[pos:pos + batch_size]
        items = load_items(
            dataset, chunk, lambda name, err: _record_failure(
                work_dir, name, f'could not load: {err}'))
        summary['failed'] += len(chunk) - len(items)
        if items:
            counts = _attribute_items(attributor, dataset, items, work_dir,
                                      visualizer, seed, class_names)
            for key, count in counts.items():
                summary[key] += count
        bar.update(len(chunk))
    bar.close()
    summary['seconds'] = time.time() - start
    if logger is not None:
        logger.info('attribution summary: ' + json.dumps(summary))
    return summary


def _is_out_of_memory(err):
    return isinstance(err, torch.OutOfMemoryError) or (
        isinstance(err, RuntimeError) and 'out of memory' in str(err))


def _attribute_items(attributor, dataset, items, work_dir, visualizer, seed, class_names):
    """Attribute one batch (``class_names``: the dataset's, or None). A
    batch that runs out of memory is split in two and retried; on any other
    error the samples are retried one by one, so that one bad sample does not
    take the others with it. Returns a ``Counter`` of the summary's keys."""
    try:
        attributed = attribute_items(attributor, items, dataset.collate, seed)
    except Exception as err:  # noqa: BLE001
        if len(items) == 1:
            _record_failure(work_dir, items[0]['name'], str(err))
            return Counter(failed=1)
        if _is_out_of_memory(err):
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            half = len(items) // 2
            tqdm.write(f'out of memory with {len(items)} samples: retrying '
                       f'as {half} + {len(items) - half}')
            parts = [items[:half], items[half:]]
        else:
            parts = [[it] for it in items]
        return sum((_attribute_items(attributor, dataset, part, work_dir,
                                     visualizer, seed, class_names) for part in parts),
                   Counter())
    counts = Counter()
    result, probs = attributed.result, attributed.logits.softmax(-1)
    for row, item in enumerate(items):
        mask = result.input_masks[row]
        if not torch.isfinite(mask).all() or (
                result.feat_masks is not None
                and not torch.isfinite(result.feat_masks[row]).all()):
            _record_failure(work_dir, item['name'],
                            'the optimisation produced NaN/inf: lower the '
                            'learning rate or beta, or check the input')
            counts['failed'] += 1
            continue
        t, prediction = int(attributed.targets[row]), int(attributed.logits[row].argmax())
        meta = dict(name=item['name'], target=t, target_name=class_name(t, class_names),
                    target_probability=float(probs[row, t]),
                    prediction=prediction,
                    prediction_name=class_name(prediction, class_names),
                    prediction_probability=float(probs[row, prediction]),
                    label=int(attributed.batch['targets'][row]),
                    seconds=attributed.seconds,
                    **{k: float(np.asarray(v[row])) for k, v in
                       result.meta.items()})
        _write_sample(work_dir, attributed, row, visualizer, meta)
        counts['done'] += 1
        counts['truncated'] += meta.get('truncated_words', 0) > 0
        counts['chunked'] += meta.get('chunks', 1) > 1
    return counts
