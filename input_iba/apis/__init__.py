from .builders import (
    build_attributor,
    build_dataset,
    build_model,
    build_visualizer,
    load_config,
    prepare_statistics,
)
from .runner import run_attribution

__all__ = ['build_attributor', 'build_dataset', 'build_model',
           'build_visualizer', 'load_config', 'prepare_statistics',
           'run_attribution']
