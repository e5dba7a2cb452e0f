"""The few mmcv 1.x names that the reference InputIBA's model code imports
(``Registry``, ``build_from_cfg``, ``get_logger``, ``mkdir_or_exist``),
written for benchmarks/reference_comparison.py. Only ever put on
``sys.path`` in the process that runs the reference; the project itself
uses mmengine."""
import logging
import os


class Registry:
    """Name -> class (or function) table, built from ``dict(type=...)``."""

    def __init__(self, name):
        self.name = name
        self.modules = {}

    def get(self, key):
        return self.modules.get(key)

    def register_module(self, name=None, force=False, module=None):
        def register(obj):
            key = name or obj.__name__
            if key in self.modules and not force:
                raise KeyError(f'{key!r} is already registered in {self.name}')
            self.modules[key] = obj
            return obj
        return register if module is None else register(module)


def build_from_cfg(cfg, registry, default_args=None):
    """Call ``registry[cfg['type']]`` with the other keys of ``cfg`` and the
    ``default_args`` that ``cfg`` does not set."""
    args = dict(cfg)
    builder = registry.get(args.pop('type'))
    if builder is None:
        raise KeyError(f'{cfg["type"]!r} is not in registry {registry.name}')
    for key, value in (default_args or {}).items():
        args.setdefault(key, value)
    return builder(**args)


def get_logger(name, log_file=None, log_level=logging.INFO):
    logger = logging.getLogger(name)
    logger.setLevel(log_level)
    return logger


def mkdir_or_exist(path):
    os.makedirs(path, exist_ok=True)
