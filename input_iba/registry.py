"""Registries of input_iba, children of mmengine's root registries.

Every registry lists ``locations``: the modules imported lazily the first time
the registry is used, so ``ATTRIBUTORS.build(dict(type='InputIBA', ...))``
works without importing anything by hand. User code joins through
``custom_imports`` in a config (see ``docs/config.md``).
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

MODELS = Registry('model', parent=MMENGINE_MODELS,
                  locations=['input_iba.models.classifiers'])
ADAPTERS = Registry('input adapter', locations=['input_iba.models.adapters'])
ATTRIBUTORS = Registry('attributor', locations=['input_iba.models.attributors'])
ESTIMATORS = Registry('estimator', locations=['input_iba.models.estimators'])
GENERATORS = Registry('generator', locations=['input_iba.models.gans'])
DISCRIMINATORS = Registry('discriminator', locations=['input_iba.models.gans'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS,
                    locations=['input_iba.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS,
                      locations=['input_iba.datasets'])
VISUALIZERS = Registry('visualizer', locations=['input_iba.visualization'])
EVALUATORS = Registry('evaluator', parent=MMENGINE_EVALUATOR,
                      locations=['input_iba.evaluation'])
