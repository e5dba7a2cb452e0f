"""(Recursive) ROAR: mask the allegedly important tokens, retrain, measure
(Hooker et al., 2019; Madsen et al., 2022; methods.md §5).

Every (measure, seed, k) step is cached in the work dir (``result.json``,
the masked token ids, the checkpoint), so an interrupted study resumes and
a finished one is read back, not recomputed. Within a run, the importance
computed from one (measure, seed, source level) is reused by every level
masked from that source (classic ROAR: all levels from the unmasked model).
"""
import json
import math
import os
import os.path as osp
import time
from collections import Counter

import torch

from input_iba.datasets import AttributionDataset, iter_batches
from input_iba.engine import attribute_dataset
from input_iba.registry import ATTRIBUTORS, MODELS
from input_iba.training.classifier import macro_f1, predictions, train_classifier
from input_iba.utils import atomic_path, load_weights, save_json
from input_iba.utils.ranges import ConfigSection, count

from .masking import mask_top_tokens, tokens_to_mask

#: test scores of every step: name in the results -> key in ``result.json``
METRICS = dict(accuracy='test_accuracy', macro_f1='test_macro_f1')


class MaskedTokens(AttributionDataset):
    """``base`` with its token ids replaced by ``ids`` (one tensor per item).
    Tokenised items lose their ``word_ids``: ROAR ranks and masks tokens, so
    importance stays one value per token (not pooled to words)."""

    def __init__(self, base, ids):
        self.base, self.ids = base, ids
        self.collate = base.collate

    def __len__(self):
        return len(self.base)

    def sample_name(self, index):
        return self.base.sample_name(index)

    def __getitem__(self, index):
        item = dict(self.base[index], inputs=self.ids[index])
        item.pop('word_ids', None)
        return item


def compute_importance(attributor, dataset, batch_size, seed, desc):
    """One importance vector per document, for its gold label. Documents are
    batched in order of length (little padding); each has its own seed, so
    the result does not depend on the batching."""
    sizes = [(len(item['inputs']), item['target'])
             for item in map(dataset.__getitem__, range(len(dataset)))]
    order = sorted(range(len(sizes)), key=lambda i: sizes[i][0])
    out = [None] * len(dataset)

    def keep(index, attributed, row):
        out[index] = attributed.mask(row)

    attribute_dataset(attributor, dataset, order, batch_size, keep, seed=seed,
                      targets=[label for _, label in sizes], desc=desc, leave=False)
    return out


class RoarStudy:
    """A ROAR study over ``measures`` (name -> attributor config).

    Args:
        model: config of the classifier, built afresh (seeded) for every step.
        datasets: ``dict(train=..., val=..., test=...)`` text datasets.
        ks: masking levels (percent for ``quantile``, tokens for ``count``).
        recursive: importance at step k from the model and data of the step
            before (Recursive ROAR); else from the unmasked model (ROAR).
        step: Recursive ROAR only: the importance at level k comes from the
            largest multiple of ``step`` below k (0: the unmasked model);
            those levels are trained even when not in ``ks``. None: from the
            level of ``ks`` before.
        importance_batch_size: documents attributed together for the
            importance (no default: the tool passes the one batch-size policy's,
            :func:`~input_iba.apis.settings.attribution_batch_size`).
        estimation_samples: documents for layer statistics (IBA, InputIBA).
    """

    value_ranges = dict(estimation_samples=count())
    #: the config's ``roar`` section (tools/nlp/roar.py)
    config_section = ConfigSection(
        'roar', passed=('work_dir', 'model', 'datasets', 'measures', 'train', 'device',
                        'mask_id', 'protected_ids', 'importance_batch_size'))

    def __init__(self, work_dir, model, datasets, measures, ks, train, importance_batch_size,
                 strategy='quantile', recursive=True, step=None, seeds=(0, 1, 2), mask_id=2,
                 protected_ids=(0, ), estimation_samples=500, device='cpu'):
        self.work_dir, self.model_cfg, self.datasets = work_dir, model, datasets
        self.measures, self.ks = dict(measures), sorted(ks)
        self.train_cfg, self.strategy, self.recursive = dict(train), strategy, recursive
        if step is not None and not recursive:
            raise ValueError('roar.step sets the recursion of Recursive ROAR: drop it or '
                             'set roar.recursive=True.')
        if step is not None and not step > 0:
            raise ValueError(f'roar.step must be a positive level, got {step!r}.')
        self.step = step
        self.seeds, self.mask_id = list(seeds), mask_id
        self.protected_ids = tuple(protected_ids)
        self.importance_batch_size = importance_batch_size
        self.estimation_samples, self.device = estimation_samples, device

    def _build_model(self, seed):
        torch.manual_seed(seed)
        return MODELS.build(self.model_cfg).to(self.device)

    def _step(self, step_dir, seed, ids_by_split, importance_seconds=None):
        """Train on masked data unless cached; returns the test scores.
        ``result.json`` also records the seconds of training and of the
        importance the masks came from (None: reused, or not timed)."""
        cached = self._cached_scores(step_dir)
        if cached is not None:
            return cached
        model = self._build_model(seed)
        sets = {s: MaskedTokens(self.datasets[s], ids) for s, ids in ids_by_split.items()}
        trained = train_classifier(model, sets['train'], sets['val'], step_dir,
                                   device=self.device, **dict(self.train_cfg, seed=seed))
        self._load_best(model, step_dir)
        preds, golds = predictions(model, sets['test'], device=self.device)
        result = dict(test_accuracy=int((preds == golds).sum()) / len(golds),
                      test_macro_f1=macro_f1(preds, golds), train_seconds=trained['seconds'],
                      importance_seconds=importance_seconds)
        save_json(osp.join(step_dir, 'result.json'), result)
        # the step is cached now: its resume state (optimiser and all) would only
        # double the disk a study takes; best.pth stays for the next level
        latest = osp.join(step_dir, 'latest.pth')
        if osp.isfile(latest):  # none when the training had nothing left to do
            os.remove(latest)
        return self._scores(result)

    def _load_best(self, model, step_dir):
        path = osp.join(step_dir, 'best.pth')
        model.load_state_dict(load_weights(
            path, f'{path} is missing but a later step needs this model to compute '
            'its importance. Delete the result.json beside it to retrain it.',
            self.device)['model'])
        return model.eval()

    def trained_model(self, step_dir, seed):
        """The model of ``seed`` trained in ``step_dir`` (its ``best.pth``), in
        eval mode."""
        return self._load_best(self._build_model(seed), step_dir)

    def unmasked_model(self, seed):
        """The model of ``seed`` trained on the unmasked data
        (``seed<seed>/k0``), shared by every measure."""
        return self.trained_model(osp.join(self.work_dir, f'seed{seed}', 'k0'), seed)

    def _trained(self, step_dir, seed):
        """A loader of the model trained in ``step_dir`` (called only when a
        step that is not cached needs it)."""
        return lambda: self.trained_model(step_dir, seed)

    def _masked_ids(self, step_dir, source, measure, seed, k):
        """The ids masked at level ``k`` on top of ``source`` (a :class:`_Source`)
        and the seconds its importance took (None: read back or reused)."""
        path = osp.join(step_dir, 'masked_ids.pt')
        if osp.isfile(path):
            return torch.load(path, weights_only=True), None
        source_ids = source.ids()
        start, reused = time.time(), source.has_importance
        importance = source.importance(lambda: self._importance(
            source.model(), source_ids, measure, seed, source.level))
        seconds = None if reused else time.time() - start
        masked = {split: [self.mask_document(doc, imp, k)
                          for doc, imp in zip(ids, importance[split])]
                  for split, ids in source_ids.items()}
        with atomic_path(path) as tmp:
            torch.save(masked, tmp)
        return masked, seconds

    def build_measure(self, config, model, train):
        """The attributor of a measure ``config`` on ``model``, ready to run:
        what it learns from the documents ``train`` (its ``prepare``, e.g.
        the counts of mutual information) and, where it needs them, layer
        statistics (IBA, InputIBA) from them."""
        attributor = ATTRIBUTORS.build(dict(config, model=model))
        attributor.prepare(train)
        if attributor.needs_statistics and attributor.estimator is None:
            attributor.estimate(iter_batches(train, 64),
                                self.estimation_samples, progress=False)
        return attributor

    def _importance(self, model, ids_by_split, measure, seed, level):
        """``{split: one importance vector per document}`` of ``measure`` on
        ``model``, its statistics from the training split."""
        data = {split: MaskedTokens(self.datasets[split], ids)
                for split, ids in ids_by_split.items()}
        attributor = self.build_measure(self.measures[measure], model, data['train'])
        return {split: compute_importance(attributor, d, self.importance_batch_size, seed,
                                          f'{measure} from k={level} {split}')
                for split, d in data.items()}

    def mask_document(self, ids, importance, k):
        """The ids of one document masked at level ``k`` by the study's rule:
        its most important maskable tokens (those already masked count)
        become the mask token."""
        return mask_top_tokens(ids, importance,
                               tokens_to_mask(self.maskable_tokens(ids), k, self.strategy),
                               self.mask_id, self.protected_ids)

    def maskable_tokens(self, ids):
        """Tokens of a document that count for ``k`` (special tokens do not)."""
        return int((~torch.isin(ids, torch.tensor(self.protected_ids, dtype=ids.dtype))).sum())

    def _masks_everything(self, k):
        return self.strategy == 'quantile' and k >= 100

    def _mask_all(self, ids_by_split):
        return {split: [mask_top_tokens(doc, torch.zeros(len(doc)), self.maskable_tokens(doc),
                                        self.mask_id, self.protected_ids)
                        for doc in ids]
                for split, ids in ids_by_split.items()}

    def levels(self):
        """``(level, source level)`` in the order they are trained: the
        levels of ``ks`` and, with ``step``, the multiples of ``step`` below
        the last level that is not fully masked (source 0: the unmasked model
        and data; None: fully masked, no source needed)."""
        ks = [k for k in self.ks if not self._masks_everything(k)]
        full = [(k, None) for k in self.ks if self._masks_everything(k)]
        if not self.recursive or not ks:
            return [(k, 0) for k in ks] + full
        if self.step is None:
            return list(zip(ks, [0] + ks[:-1])) + full
        chain = set(ks) | {self.step * i for i in range(1, math.ceil(ks[-1] / self.step))}
        return [(k, self.step * (math.ceil(k / self.step) - 1)) for k in sorted(chain)] + full

    def run(self):
        """Returns ``{metric: {measure: {seed: {k: test score}}}}`` for the
        metrics ``accuracy`` and ``macro_f1``, k = 0 and the levels of ``ks``.
        The unmasked model and, with ``quantile``, the fully masked one
        (k >= 100: the same data whatever the measure) are trained once per
        seed and shared by every measure. Cached steps are read from their
        ``result.json``; masks and models are loaded only when a step after
        them still has to be computed. Each measure's config is recorded in
        ``<measure>/measure.json``; another config under the same name is
        refused before any work (processes may share a work dir, each with
        some of the seeds and measures)."""
        self._check_measure_records()
        unmasked = {s: [d[i]['inputs'] for i in range(len(d))]
                    for s, d in self.datasets.items()}
        results = {metric: {m: {} for m in self.measures} for metric in METRICS}
        for seed in self.seeds:
            seed_dir = osp.join(self.work_dir, f'seed{seed}')
            base_dir = osp.join(seed_dir, 'k0')
            base = self._step(base_dir, seed, unmasked)
            shared = {k: self._step(osp.join(seed_dir, f'k{k}'), seed,
                                    self._mask_all(unmasked))
                      for k in self.ks if self._masks_everything(k)}
            for measure in self.measures:
                scores = {0: base}
                sources = {0: _Source(0, self._trained(base_dir, seed), lambda: unmasked)}
                for k, source in self.levels():
                    if k in shared:
                        scores[k] = shared[k]
                        continue
                    step_dir = osp.join(self.work_dir, measure, f'seed{seed}', f'k{k}')
                    cached = self._cached_scores(step_dir)
                    if cached is None:
                        ids, seconds = self._masked_ids(step_dir, sources[source],
                                                        measure, seed, k)
                        cached = self._step(step_dir, seed, ids, seconds)
                    scores[k] = cached
                    sources[k] = _Source(k, self._trained(step_dir, seed),
                                         self._ids_loader(step_dir))
                for metric in METRICS:
                    results[metric][measure][seed] = {
                        k: scores[k][metric] for k in [0] + self.ks}
        return results

    def _check_measure_records(self):
        for name, measure in self.measures.items():
            path = osp.join(self.work_dir, name, 'measure.json')
            record = json.loads(json.dumps(measure, sort_keys=True, default=str))
            if osp.isfile(path):
                with open(path) as f:
                    old = json.load(f)
                if old != record:
                    raise ValueError(
                        f'{osp.dirname(path)} holds the steps of another {name!r} measure '
                        f'({old}; this config: {record}). Give the new measure another '
                        'name, use another --work-dir, or delete that folder.')
            else:
                save_json(path, record)

    def seconds_per_level(self):
        """``{k: dict(steps, train, importance)}``: the mean seconds of a
        training and of an importance computation at each trained level, over
        the measures and seeds whose ``result.json`` recorded them."""
        cost = {}
        for seed in self.seeds:
            steps = [(0, osp.join(self.work_dir, f'seed{seed}', 'k0'))]
            for k, source in self.levels():
                steps += [(k, osp.join(self.work_dir, f'seed{seed}', f'k{k}'))] \
                    if source is None else [
                        (k, osp.join(self.work_dir, m, f'seed{seed}', f'k{k}'))
                        for m in self.measures]
            for k, step_dir in steps:
                path = osp.join(step_dir, 'result.json')
                if osp.isfile(path):
                    with open(path) as f:
                        result = json.load(f)
                    for key in ('train', 'importance'):
                        value = result.get(f'{key}_seconds')
                        if value is not None:
                            cost.setdefault(k, dict(train=[], importance=[]))[key].append(value)
        return {k: dict(steps=len(c['train']),
                        train=sum(c['train']) / len(c['train']) if c['train'] else None,
                        importance=(sum(c['importance']) / len(c['importance'])
                                    if c['importance'] else None))
                for k, c in sorted(cost.items())}

    @classmethod
    def _cached_scores(cls, step_dir):
        path = osp.join(step_dir, 'result.json')
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return cls._scores(json.load(f))

    @staticmethod
    def _scores(result):
        """Metric -> score of a ``result.json`` (NaN for a metric it lacks:
        steps written before macro-F1 was recorded)."""
        return {metric: result.get(key, float('nan')) for metric, key in METRICS.items()}

    @staticmethod
    def _ids_loader(step_dir):
        path = osp.join(step_dir, 'masked_ids.pt')

        def load():
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f'{path} is missing but the next step masks on top of it. '
                    'Delete the result.json beside it to recompute that step.')
            return torch.load(path, weights_only=True)
        return load

    def majority_accuracy(self):
        """Test accuracy of always predicting the majority training class
        (a reference line: roughly what fully masked documents allow)."""
        train = self.datasets['train']
        majority = Counter(train[i]['target'] for i in range(len(train))).most_common(1)[0][0]
        test = self.datasets['test']
        return sum(test[i]['target'] == majority for i in range(len(test))) / len(test)


class _Source:
    """A trained level that later levels mask on top of: its model and ids
    (loaded on demand) and, once computed, a measure's importance on it."""

    def __init__(self, level, model, ids):
        self.level, self.model, self.ids = level, model, ids
        self._importance = None

    @property
    def has_importance(self):
        return self._importance is not None

    def importance(self, compute):
        if self._importance is None:
            self._importance = compute()
        return self._importance
