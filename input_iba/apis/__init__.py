from input_iba.engine import run_attribution

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
           'build_visualizer', 'load_config', 'prepare_statistics', 'preprocess',
           'run_attribution']
