"""The helpers of benchmarks/reference/comparison.py and
benchmarks/reference/mask_agreement.py (no reference code needed)."""
import argparse
import importlib.util
import os.path as osp
import sys

import numpy as np
import pytest

from benchmarks.reference import comparison as cmp
from benchmarks.reference import mask_agreement as agree


@pytest.fixture
def shim():
    """The mmcv shim, imported under its own name, without touching sys.path."""
    spec = importlib.util.spec_from_file_location(
        'mmcv_shim', osp.join(cmp.SHIMS, 'mmcv', '__init__.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shim_registry_builds_with_default_args(shim):
    reg = shim.Registry('things')

    @reg.register_module()
    class Thing:
        def __init__(self, a, b=0):
            self.a, self.b = a, b

    reg.register_module(name='pair', module=lambda a, b: (a, b))
    thing = shim.build_from_cfg(dict(type='Thing', a=1), reg,
                                default_args=dict(a=5, b=2))
    assert (thing.a, thing.b) == (1, 2)  # cfg wins over default_args
    assert shim.build_from_cfg(dict(type='pair', a=3), reg, dict(b=4)) == (3, 4)
    with pytest.raises(KeyError, match='already registered'):
        reg.register_module(module=Thing)
    with pytest.raises(KeyError, match='not in registry'):
        shim.build_from_cfg(dict(type='Missing'), reg)


def test_shim_is_not_importable_as_mmcv_by_default():
    assert cmp.SHIMS not in sys.path


def test_schedules():
    args = argparse.Namespace(schedule='light', gan_epochs=None, input_steps=None, smoke=False)
    light = cmp.build_schedule(args)
    assert light['gan']['epochs'] == 2 and light['input']['steps'] == 10
    assert light['feat'] == dict(beta=20.0, steps=10, lr=1.0, copies=10,
                                 init_alpha=5.0, sigma=1.0)
    args = argparse.Namespace(schedule='reference', gan_epochs=None,
                              input_steps=30, smoke=False)
    full = cmp.build_schedule(args)
    assert full['gan']['epochs'] == 20 and full['input']['steps'] == 30
    from input_iba.models.attributors.input_iba import SCHEDULES
    assert SCHEDULES['published']['input_iba']['steps'] == 60  # not mutated


def test_missing_reference_dir_explains_how_to_get_it(tmp_path):
    with pytest.raises(SystemExit, match='git --git-dir=MIRROR archive'):
        cmp.import_reference(str(tmp_path))


def test_heat_in_boxes_by_hand():
    mask = np.array([[1.0, 3.0], [0.0, 4.0]])
    inside = np.array([[True, False], [False, True]])
    assert agree.heat_in_boxes(mask, inside) == pytest.approx(5 / 8)


def test_predicted_targets_hides_labels():

    class Two:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return dict(name=f's{i}', target=7)

        def sample_name(self, i):
            return f's{i}'

    wrapped = agree.PredictedTargets(Two())
    assert len(wrapped) == 2
    assert wrapped[1] == dict(name='s1', target=-1)
    assert wrapped.sample_name(0) == 's0'
