"""The one loop that attributes a dataset.

:func:`attribute_dataset` cuts the samples into batches, loads them, runs
each batch through the batch step (:func:`~input_iba.engine.batch.attribute_items`),
splits a batch that runs out of memory in two and retries it, refuses
non-finite masks and hands every finished sample to a sink. A sample that
fails goes to ``on_error`` (:class:`FailureLog` writes ``failed.jsonl``),
or, without one, its error is raised.
"""
import time
from collections import Counter
from typing import Callable, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import torch
from tqdm import tqdm

from input_iba.datasets import load_items
from input_iba.models.attributors import BaseAttributor
from input_iba.utils import append_jsonl

from .batch import AttributedBatch, attribute_items

#: ``sink(index, attributed, row)``: dataset sample ``index`` is row ``row``
#: of the batch ``attributed`` (its masks finite)
Sink = Callable[[int, AttributedBatch, int], None]
#: ``on_error(name, reason)``: sample ``name`` failed for ``reason``
OnError = Callable[[str, str], None]
#: a mode of :func:`~input_iba.engine.batch.resolve_targets`, or the class of
#: each dataset index (``targets[index]``)
Targets = Union[str, Sequence[int], Mapping[int, int], torch.Tensor]


class FailureLog:
    """An ``on_error`` that appends each failed sample to the JSON lines
    file ``path`` (name, reason, time) and says so on the console."""

    def __init__(self, path: str):
        self.path = path

    def __call__(self, name: str, reason: str) -> None:
        append_jsonl(self.path, dict(name=name, reason=reason, time=time.time()))
        tqdm.write(f'skipped {name}: {reason}')


def is_out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` says the device ran out of memory."""
    return isinstance(err, torch.OutOfMemoryError) or (
        isinstance(err, RuntimeError) and 'out of memory' in str(err))


def attribute_dataset(attributor: BaseAttributor, dataset, indices: Iterable[int],
                      batch_size: int, sink: Sink, on_error: Optional[OnError] = None, *,
                      seed: int = 0, targets: Targets = 'label', progress: bool = True,
                      desc: Optional[str] = None, leave: bool = True) -> Counter:
    """Attribute the samples ``indices`` of ``dataset`` (in that order,
    ``batch_size`` at a time) and give each to ``sink``.

    ``dataset``: ``dataset[i]`` an item dict with a ``name``,
    ``dataset.sample_name(i)`` and ``dataset.collate(items)``. Each
    sample's seed derives from ``seed`` and its name (its result does not
    depend on its batch). A batch that runs out of memory is split in two
    and retried. A sample that does not load, whose attribution fails or
    whose masks are not finite goes to ``on_error(name, reason)``; with an
    ``on_error``, a failing batch is retried sample by sample so that one
    bad sample does not take the others with it; without one, the first
    error is raised. The progress bar is named ``desc`` (default: the
    method's class). Returns the counts of samples ``done`` and ``failed``.
    """
    method = type(attributor).__name__
    counts = Counter(done=0, failed=0)

    def fail(name: str, reason: str, error: BaseException) -> None:
        if on_error is None:
            raise error
        on_error(name, reason)
        counts['failed'] += 1

    def attribute(pairs: List[Tuple[int, dict]]) -> None:
        items = [item for _, item in pairs]
        batch_targets = targets if isinstance(targets, str) else torch.tensor(
            [int(targets[i]) for i, _ in pairs])
        try:
            attributed = attribute_items(attributor, items, dataset.collate, seed,
                                         batch_targets)
        except Exception as err:  # noqa: BLE001 - a failing sample is reported
            out_of_memory = is_out_of_memory(err)
            if len(pairs) == 1 or (on_error is None and not out_of_memory):
                fail(items[0]['name'], str(err), err)
                return
            if out_of_memory:
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
                half = len(pairs) // 2
                tqdm.write(f'out of memory with {len(pairs)} samples: retrying '
                           f'as {half} + {len(pairs) - half}')
                parts = [pairs[:half], pairs[half:]]
            else:
                parts = [[pair] for pair in pairs]
            for part in parts:
                attribute(part)
            return
        result = attributed.result
        for row, (index, item) in enumerate(pairs):
            if not torch.isfinite(result.input_masks[row]).all() or (
                    result.feat_masks is not None
                    and not torch.isfinite(result.feat_masks[row]).all()):
                reason = (f'{method} produced NaN/inf: lower its learning rate or beta, '
                          'or check the input')
                fail(item['name'], reason, FloatingPointError(f'{item["name"]}: {reason}.'))
                continue
            sink(index, attributed, row)
            counts['done'] += 1

    def could_not_load(name: str, err: Exception) -> None:
        fail(name, f'could not load: {err}', err)

    indices = list(indices)
    with tqdm(total=len(indices), desc=desc or method, disable=not progress,
              leave=leave) as bar:
        for start in range(0, len(indices), batch_size):
            chunk = indices[start:start + batch_size]
            pairs = [(i, item) for i in chunk
                     for item in load_items(dataset, [i], could_not_load)]
            if pairs:
                attribute(pairs)
            bar.update(len(chunk))
    return counts
