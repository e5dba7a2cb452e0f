"""The evaluation loop shared by all metrics: read masks, score, write JSON."""
import json
import math
import os.path as osp
from typing import ClassVar, Iterable, Optional, Tuple

import numpy as np
import torch
from tqdm import tqdm

from input_iba.models.adapters import build_adapter
from input_iba.models.hooks import freeze, model_device
from input_iba.utils import load_mask, save_json
from input_iba.utils.layout import WorkDir
from input_iba.utils.ranges import count
from input_iba.utils.words import CHUNK_OVERLAP, document_chunks, words_to_tokens


def mean_ci(values, z=1.96):
    """Mean, standard deviation, count and a normal-approximation 95% CI."""
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)],
                     dtype=np.float64)
    if arr.size == 0:
        return dict(mean=None, std=None, n=0, ci95=None)
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    half = z * std / math.sqrt(arr.size)
    return dict(mean=float(arr.mean()), std=std, n=int(arr.size),
                ci95=[float(arr.mean() - half), float(arr.mean() + half)])


class MaskEvaluator:
    """A metric over the masks of a work dir.

    Subclasses implement :meth:`evaluate_sample` (one sample's numbers as a
    JSON-able dict) and declare themselves for the catalogue
    (:mod:`input_iba.evaluation.catalogue`). ``model`` is needed by
    perturbation metrics only. What a metric can do is declared on its class
    (:attr:`modalities`, :attr:`reruns_attributor`), never read from its name.
    """

    #: the adapter modalities (``'image'``, ``'text'``) whose masks it scores
    modalities: ClassVar[Tuple[str, ...]] = ('image', 'text')
    #: whether it re-runs the attributor: it then takes ``attributor`` (a
    #: config built on its own models; the tools give the run's) and
    #: ``estimation_inputs`` (for an attributor that ``needs_statistics``)
    reruns_attributor: ClassVar[bool] = False

    #: the types and ranges of the options (:mod:`input_iba.utils.ranges`)
    value_ranges = dict(batch_size=count())
    #: the metric's name: for ``--metrics``, ``metrics = [...]`` and its folders
    name = None
    #: the record keys whose mean and 95% CI the summary holds
    summary_keys = ()
    #: table columns: ``(summary key, title, higher is better)``
    columns = ()
    #: the mean curve drawn from the records: ``dict(x=record key (None: 1,
    #: 2, ...), ys=[(record key, label)], x_label=, y_label=, log_x=)``
    curve = None
    #: why samples with a mask may all go unscored, appended to the summary's note
    #: ('no sample was scored: N of M had a mask in DIR')
    empty_reason = ''
    #: tokens by which the chunks of a document longer than the model overlap
    chunk_overlap = CHUNK_OVERLAP

    def __init__(self, model=None, adapter=dict(type='ImageAdapter'),
                 batch_size=64):
        self.model = None if model is None else freeze(model)
        self.adapter = build_adapter(adapter)
        self.batch_size = batch_size

    @property
    def device(self):
        return model_device(self.model)

    def by_modality(self, value, image, text):
        """``value``, or when it is None the default for the adapter's
        modality (``text`` for token adapters, ``image`` otherwise)."""
        if value is not None:
            return value
        return text if self.adapter.modality == 'text' else image

    @torch.no_grad()
    def embed(self, item):
        """The continuous input of one sample (the image, or its token
        embeddings), on the CPU."""
        inputs = item['inputs'][None].to(self.device)
        return self.adapter.embed(self.model, inputs)[0].cpu()

    def spread(self, values, x, word_ids=None, fill=0):
        """Per-position ``values (N, *positions)`` broadcast over ``N``
        inputs like ``x``. Tokenised text (``word_ids``): the positions are
        words; each token takes its word's value, and tokens of no word
        (``[CLS]``, ``[SEP]``) take ``fill``."""
        if word_ids is not None:
            values = words_to_tokens(values, word_ids.to(values.device), fill)
        return self.adapter.positions_to_input(values, x.expand(len(values), *x.shape))

    def position_expander(self, x, mask_shape, word_ids=None, fill=0):
        """A function that broadcasts per-position values (``mask_shape``)
        over the sample's input ``x`` (see :meth:`spread`)."""
        return lambda values: self.spread(values.view(1, *mask_shape), x, word_ids,
                                          fill)[0]

    def chunks(self, word_ids):
        """Token indices of the word-aligned chunks, overlapping by about
        ``chunk_overlap`` tokens, that a tokenised document longer than the
        model's positions is scored on (see ``document_chunks``); None when
        it fits or the model has no limit."""
        limit = getattr(self.model, 'max_positions', None)
        if word_ids is None or limit is None or len(word_ids) <= limit:
            return None
        fixed = int((word_ids < 0).sum())
        return document_chunks(word_ids, limit - fixed, self.chunk_overlap)[1]

    @torch.no_grad()
    def target_scores(self, batches, target, softmax=True, chunks=None):
        """The target's softmax probability (or logit) for every input of an
        iterable of input batches (one forward pass per batch), on the CPU.
        With ``chunks`` (:meth:`chunks`) an input's logits are the mean of
        its chunks' logits."""
        out = []
        for batch in batches:
            batch = batch.to(self.device)
            if chunks is None:
                logits = self.adapter.forward(self.model, batch)
                scores = logits.softmax(-1) if softmax else logits
            else:
                scores = self._chunk_scores(batch, chunks, softmax)
            out.append(scores[:, target].cpu())
        return torch.cat(out)

    def _chunk_scores(self, batch, chunks, softmax):
        """Scores ``(n, classes)`` of ``batch (n, L, ...)`` from the mean of
        the logits of the chunks of its positions, all in one forward pass."""
        n, longest = len(batch), max(len(c) for c in chunks)
        rows = batch.new_zeros((len(chunks), n, longest) + batch.shape[2:])
        pm = torch.zeros(len(chunks), n, longest, dtype=torch.bool, device=batch.device)
        for c, tokens in enumerate(chunks):
            rows[c, :, :len(tokens)] = batch[:, tokens.to(batch.device)]
            pm[c, :, :len(tokens)] = True
        logits = self.adapter.forward(self.model, rows.flatten(0, 1), pm.flatten(0, 1))
        logits = logits.view(len(chunks), n, -1).mean(0)
        return logits.softmax(-1) if softmax else logits

    def probabilities(self, x, target, chunks=None):
        """Softmax probability of ``target`` for a stack of inputs, in
        chunks of ``batch_size``."""
        return self.target_scores(torch.split(x, self.batch_size), target,
                                  chunks=chunks)

    def logits(self, x, target, chunks=None):
        """Logit of ``target`` for a stack of inputs, in chunks of
        ``batch_size``."""
        return self.target_scores(torch.split(x, self.batch_size), target,
                                  softmax=False, chunks=chunks)

    def evaluate_sample(self, item: dict, mask: np.ndarray,
                        target: Optional[int]) -> Optional[dict]:
        raise NotImplementedError

    def resolve_target(self, item, mask_dir):
        """The class explained: ``target`` of the run's ``meta/<name>.json``,
        else the dataset's label, else the model's prediction (None for
        metrics without a model, which do not need it)."""
        meta = WorkDir(osp.dirname(mask_dir.rstrip('/'))).meta(item['name'])
        if osp.isfile(meta):
            with open(meta) as f:
                return int(json.load(f)['target'])
        if item.get('target', -1) >= 0:
            return int(item['target'])
        if self.model is None:
            return None
        x = self.embed(item)[None].to(self.device)
        with torch.no_grad():
            return int(self.adapter.forward(self.model, x).argmax(-1))

    def run(self, dataset, mask_dir: str, out_dir: str, indices: Optional[Iterable[int]] = None,
            progress: bool = True) -> dict:
        """Evaluate every sample with a mask in ``mask_dir``; per-sample JSON
        goes to ``out_dir/<metric>/<name>.json`` (skipped when present) and the
        summary to ``out_dir/<metric>.json``. Returns the summary."""
        indices = list(range(len(dataset)) if indices is None else indices)
        records, bad_masks, masked = [], [], 0
        for i in tqdm(list(indices), desc=self.name, disable=not progress):
            name = dataset.sample_name(i)
            mask_path = osp.join(mask_dir, name + '.npy')
            if not osp.isfile(mask_path):
                continue
            masked += 1
            out_path = osp.join(out_dir, self.name, name + '.json')
            if osp.isfile(out_path):
                with open(out_path) as f:
                    records.append(json.load(f))
                continue
            try:
                mask = load_mask(mask_path)
            except ValueError as err:  # not scored: it must not enter the mean
                tqdm.write(f'{self.name}: skipped {err}')
                bad_masks.append(str(err))
                continue
            item = dataset[i]
            record = self.evaluate_sample(
                item, mask, self.resolve_target(item, mask_dir))
            if record is None:
                continue
            record['name'] = name
            save_json(out_path, record)
            records.append(record)
        summary = {key: mean_ci([r.get(key) for r in records])
                   for key in self.summary_keys}
        summary['num_samples'] = len(records)
        if bad_masks:
            summary['bad_masks'] = bad_masks
        if not records:
            summary['note'] = (
                f'no sample was scored: {masked} of the {len(indices)} had a mask in '
                f'{mask_dir}' + (self.empty_reason if masked else ''))
        save_json(osp.join(out_dir, self.name + '.json'), summary)
        return summary
