"""Configs: read a config file, check every section against what reads it
(:mod:`.validation`), resolve the settings every tool shares once
(:mod:`.settings`: the batch-size policy) and build its parts
(:mod:`.builders`: model, dataset, attributor, evaluator, layer statistics),
plus :func:`preprocess` for photos. Running them is elsewhere: the engine
(:mod:`input_iba.engine`), the trainers (:mod:`input_iba.training`), the
metrics (:mod:`input_iba.evaluation`)."""
from .builders import (
    build_attributor,
    build_dataset,
    build_model,
    build_visualizer,
    load_config,
    prepare_statistics,
)
from .preprocess import preprocess

__all__ = ['build_attributor', 'build_dataset', 'build_model',
           'build_visualizer', 'load_config', 'prepare_statistics', 'preprocess']
