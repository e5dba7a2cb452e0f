"""Python entry points: build the parts of a config, load configs."""
import functools
import hashlib
import json
import os.path as osp
import warnings
from typing import Callable, Mapping, Optional, Sequence

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger

from input_iba.datasets import AttributionDataset, iter_batches, load_items
from input_iba.evaluation import catalogue
from input_iba.evaluation.base import MaskEvaluator
from input_iba.models.attributors import BaseAttributor
from input_iba.models.hooks import model_device
from input_iba.registry import ATTRIBUTORS, DATASETS, ESTIMATORS, EVALUATORS, MODELS, VISUALIZERS
from input_iba.utils.ranges import count

#: what the ``data`` options of :func:`prepare_statistics` accept (a
#: variance needs two samples)
DATA_RANGES = dict(estimation_batch_size=count(), num_estimation_samples=count(2))


def load_config(path: str, cfg_options: Optional[Mapping] = None,
                required: Sequence[str] = ('model', 'attributor', 'data')) -> Config:
    """Read a Python config (``_base_`` inheritance), apply overrides and
    check that the ``required`` sections are there."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'Config file {path!r} does not exist.')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    for key in required:
        if key not in cfg:
            raise KeyError(f'Config {path!r} has no {key!r} section: see '
                           'configs/input_iba/ for complete examples.')
    return cfg


def build_model(cfg: Mapping, device: str = 'cpu') -> torch.nn.Module:
    return MODELS.build(cfg).to(device)


def config_adapter(cfg: Mapping) -> Optional[dict]:
    """The input adapter a config gives every attributor and evaluator that
    names none: its top-level ``adapter``, else an ``ImageAdapter`` when the
    config has an image ``pipeline`` (top level, else ``data.attribute``),
    else None (the classes' defaults). An ``ImageAdapter`` takes the
    pipeline's normalisation unless it sets ``pixel_mean`` / ``pixel_std``."""
    pipeline = cfg.get('pipeline') or cfg.get('data', {}).get('attribute', {}).get('pipeline')
    if 'adapter' not in cfg and pipeline is None:
        return None
    adapter = dict(cfg.get('adapter', dict(type='ImageAdapter')))
    if adapter['type'] == 'ImageAdapter' and pipeline is not None:
        for key, own in (('mean', 'pixel_mean'), ('std', 'pixel_std')):
            if key in pipeline:
                adapter.setdefault(own, tuple(pipeline[key]))
    return adapter


def with_adapter(cfg: Mapping, adapter: Optional[dict]) -> dict:
    """``cfg`` (a dict) with ``adapter`` where it names none."""
    return dict(cfg) if adapter is None or 'adapter' in cfg else dict(cfg, adapter=adapter)


def build_attributor(cfg: Mapping, model: torch.nn.Module,
                     adapter: Optional[dict] = None) -> BaseAttributor:
    """An attributor for ``model`` from its config dict; ``adapter`` (e.g.
    :func:`config_adapter`) where the dict names none."""
    return ATTRIBUTORS.build(dict(with_adapter(cfg, adapter), model=model))


def build_dataset(cfg: Mapping) -> AttributionDataset:
    return DATASETS.build(cfg)


def embedding_rows(model: torch.nn.Module) -> Optional[int]:
    """How many token ids a text model (one with ``embed(ids)``) embeds: the
    rows of the first embedding that ``embed`` calls; None for other models."""
    if not hasattr(model, 'embed'):
        return None
    rows = []
    hooks = [m.register_forward_hook(lambda module, *_: rows.append(module.num_embeddings))
             for m in model.modules() if isinstance(m, torch.nn.Embedding)]
    try:
        with torch.no_grad():
            model.embed(torch.zeros(1, 1, dtype=torch.long, device=model_device(model)))
    finally:
        for hook in hooks:
            hook.remove()
    return rows[0] if rows else None


def check_vocabulary_fits(model: torch.nn.Module, dataset: AttributionDataset,
                          where: str = 'data.attribute') -> None:
    """Refuse a text dataset that gives token ids the model cannot embed
    (its tokenizer or vocabulary is not the model's): else every document
    fails with 'index out of range'."""
    inner = getattr(dataset, 'dataset', dataset)  # a Subset's or a wrapper's
    tokenizer, vocab = getattr(inner, 'tokenizer', None), getattr(inner, 'vocab', None)
    if tokenizer is None and vocab is None:
        return
    size, what = (len(tokenizer), 'tokenizer') if tokenizer is not None else (len(vocab),
                                                                              'vocabulary')
    rows = embedding_rows(model)
    if rows is not None and size > rows:
        raise ValueError(f'Tokenizer/model mismatch: {where} encodes with a {what} of {size} '
                         f'tokens but the model embeds only {rows}: use the {what} the model '
                         'was trained with.')


def build_visualizer(cfg: Mapping) -> Callable:
    return VISUALIZERS.build(cfg)


#: the folder of cached layer statistics in a work dir
ESTIMATION_DIR = 'estimation'


def _estimation_key(cfg, attributor):
    blob = json.dumps(dict(model=cfg.model, layer=attributor.layer_name,
                           data=cfg.data.estimate,
                           num=cfg.data.get('num_estimation_samples', 1000)),
                      sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()[:12]


def prepare_statistics(cfg: Config, attributor: BaseAttributor, work_dir: str,
                       logger: Optional[MMLogger] = None) -> Optional[str]:
    """Estimate the hooked layer's statistics, or reuse those cached in
    ``work_dir/estimation/`` for the same model, layer and estimation set."""
    if not attributor.needs_statistics:
        return None
    path = osp.join(work_dir, ESTIMATION_DIR,
                    f'{attributor.layer_name}-{_estimation_key(cfg, attributor)}.pt')
    cached = ESTIMATORS.get(attributor.estimator_cfg['type']).load_or_none(path)
    if cached is not None:
        attributor.set_estimator(cached)
        if logger:
            logger.info(f'reusing layer statistics from {path}')
        return path
    dataset = build_dataset(cfg.data.estimate)

    def skip(name, err):
        if logger:
            logger.warning(f'estimation skips {name}: {err}')

    batches = iter_batches(dataset, cfg.data.get('estimation_batch_size', 16),
                           skip)
    wanted = cfg.data.get('num_estimation_samples', 1000)
    # the progress bar counts to what the set can give
    attributor.estimate(batches, min(wanted, len(dataset)))
    got = attributor.estimated_samples
    if got < 2:
        raise ValueError(f'Too few readable samples in data.estimate ({got}): layer '
                         'statistics need at least 2 (nothing was cached); the log lists '
                         'the skipped files.')
    if got < wanted:
        message = (f'data.num_estimation_samples is {wanted}, but data.estimate gave '
                   f'{got} readable samples: the layer statistics come from {got}.')
        logger.warning(message) if logger else warnings.warn(message)
    attributor.estimator.save(path)
    if logger:
        logger.info(f'layer statistics from {attributor.estimator.count} '
                    f'samples saved to {path}')
    return path


def build_evaluator(cfg: Config, metric: str, model: torch.nn.Module,
                    attributor_cfg: Optional[Mapping] = None) -> MaskEvaluator:
    """The evaluator of ``metric``, with the config's ``evaluation`` overrides
    and its adapter (:func:`config_adapter`), which must be of one of the
    metric's ``modalities``. A metric that ``reruns_attributor`` (the sanity
    check, robustness, random logit) re-runs ``attributor_cfg`` unless its
    overrides name an ``attributor``; one that ``needs_statistics`` (IBA,
    InputIBA) gets the first ``evaluation.<metric>.estimation_samples``
    (default 16) samples of ``data.estimate`` (read when first needed) to
    estimate the statistics of each model it re-runs on."""
    adapter = config_adapter(cfg)
    cls = catalogue.metric(metric)
    ev_cfg = with_adapter(dict(type=cls, **cfg.get('evaluation', {}).get(metric, {})), adapter)
    if cls.reruns_attributor:
        ev_cfg.setdefault('attributor', attributor_cfg and with_adapter(attributor_cfg, adapter))
        if not ev_cfg['attributor']:
            raise KeyError(f'{metric} re-runs the attributor: give the config an '
                           f'`attributor` section or evaluation.{metric}.attributor.')
        count = ev_cfg.pop('estimation_samples', 16)

        @functools.cache
        def estimation_inputs():
            """The first ``count`` readable samples of data.estimate, read
            when a re-run attributor needs statistics (an InputIBA warm start
            does not) and then kept."""
            data, items = build_dataset(cfg.data.estimate), []
            for i in range(len(data)):
                if len(items) == count:
                    break
                items += load_items(data, [i], lambda *_: None)
            return torch.stack([it['inputs'] for it in items])

        ev_cfg.setdefault('estimation_inputs', estimation_inputs)
    evaluator = EVALUATORS.build(dict(ev_cfg, model=model))
    modality = getattr(evaluator.adapter, 'modality', None)
    if adapter is not None and modality is not None and modality not in cls.modalities:
        raise ValueError(f'{metric} scores {" and ".join(cls.modalities)} masks only; this '
                         f'config explains {modality} inputs: leave it out of the metrics.')
    return evaluator
