"""The masks of the train tools: :func:`run_attribution` skips finished
samples and runs the engine on the rest with a :class:`MaskWriter`, which
writes every output file atomically; bad samples go to ``failed.jsonl``.
"""
import json
import time
from collections import Counter
from typing import Callable, Iterable, Optional, Sequence

import numpy as np
from mmengine.logging import MMLogger

from input_iba.datasets.class_names import class_name, class_names_of
from input_iba.models.attributors import BaseAttributor
from input_iba.utils import save_json, save_npy
from input_iba.utils.layout import EXTRA_DIRS, FEAT_DIR, WorkDir

from .batch import AttributedBatch
from .loop import FailureLog, attribute_dataset


def check_unique_names(dataset, indices: Iterable[int]) -> None:
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


class MaskWriter:
    """The engine's sink of the train tools: each sample's masks (``.npy``
    plus the visualizer's picture), its extra maps and its meta, every file
    written atomically, the ``.npy`` of ``input_masks/`` last (its presence
    marks a finished sample). Counts the documents ``truncated`` to the
    model and ``chunked`` among those written."""

    def __init__(self, work_dir: WorkDir, visualizer: Callable,
                 class_names: Optional[Sequence[str]]):
        self.work_dir, self.visualizer, self.class_names = work_dir, visualizer, class_names
        self.counts = Counter(truncated=0, chunked=0)

    def __call__(self, index: int, attributed: AttributedBatch, row: int) -> None:
        meta = self.meta(attributed, row)
        self.write(attributed, row, meta)
        self.counts['truncated'] += meta.get('truncated_words', 0) > 0
        self.counts['chunked'] += meta.get('chunks', 1) > 1

    def meta(self, attributed: AttributedBatch, row: int) -> dict:
        """The meta record of row ``row`` (see :func:`run_attribution`)."""
        result, probs = attributed.result, attributed.logits.softmax(-1)
        t, prediction = int(attributed.targets[row]), int(attributed.logits[row].argmax())
        names = self.class_names
        return dict(name=attributed.items[row]['name'], target=t,
                    target_name=class_name(t, names),
                    target_probability=float(probs[row, t]),
                    prediction=prediction,
                    prediction_name=class_name(prediction, names),
                    prediction_probability=float(probs[row, prediction]),
                    label=int(attributed.batch['targets'][row]),
                    seconds=attributed.seconds,
                    **{k: float(np.asarray(v[row])) for k, v in result.meta.items()})

    def write(self, attributed: AttributedBatch, row: int, meta: dict) -> None:
        item, result = attributed.items[row], attributed.result
        name, work_dir, visualizer = item['name'], self.work_dir, self.visualizer
        if result.feat_masks is not None:
            feat = attributed.cut(result.feat_masks, row).numpy()
            save_npy(work_dir.mask(name, FEAT_DIR), feat)
            visualizer(work_dir.mask(name, FEAT_DIR, ext=''), item, feat, meta)
        for key, maps in result.extras.items():
            if key not in EXTRA_DIRS:  # --overwrite must be able to name every output
                raise KeyError(f'extras {key!r} is not in layout.EXTRA_DIRS: add it there.')
            save_npy(work_dir.mask(name, key), attributed.cut(maps, row).numpy())
        mask = attributed.mask(row).numpy()
        visualizer(work_dir.mask(name, ext=''), item, mask, meta)
        save_json(work_dir.meta(name), meta)
        save_npy(work_dir.mask(name), mask)


def run_attribution(attributor: BaseAttributor, dataset, work_dir: str, visualizer: Callable,
                    batch_size: int, seed: int = 0, indices: Optional[Iterable[int]] = None,
                    progress: bool = True, logger: Optional[MMLogger] = None) -> dict:
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
    out = WorkDir(work_dir)
    todo = [i for i in indices if not out.is_finished(dataset.sample_name(i))]
    writer = MaskWriter(out, visualizer, class_names_of(dataset))
    start = time.time()
    counts = attribute_dataset(attributor, dataset, todo, batch_size, writer,
                               FailureLog(out.failed), seed=seed,
                               progress=progress)
    summary = dict(total=len(indices), skipped=len(indices) - len(todo),
                   done=counts['done'], failed=counts['failed'], **writer.counts,
                   seconds=time.time() - start)
    if logger is not None:
        logger.info('attribution summary: ' + json.dumps(summary))
    return summary
