"""The shared evaluation loop: targets, per-sample JSON, summary, resuming."""
import json

import numpy as np
import pytest
import torch
from conftest import LinearModel

from input_iba.evaluation.base import mean_ci
from input_iba.evaluation.vision import InsertionDeletion, PointingGame
from input_iba.utils import save_json, save_npy


class Boxes:
    """Three 4x4 samples with one box each (top-left 2x2 quadrant)."""

    def __len__(self):
        return 3

    def sample_name(self, i):
        return f's{i}'

    def __getitem__(self, i):
        torch.manual_seed(i)
        return dict(name=self.sample_name(i), inputs=torch.randn(1, 4, 4), target=-1,
                    boxes=np.array([[0, 0, 2, 2]]))


def test_mean_ci_by_hand():
    summary = mean_ci([1.0, 2.0, 3.0, None, float('nan')])
    half = 1.96 * 1.0 / np.sqrt(3)  # sample std of 1, 2, 3 is 1
    assert summary == dict(mean=2.0, std=1.0, n=3, ci95=pytest.approx([2 - half, 2 + half]))
    assert mean_ci([]) == dict(mean=None, std=None, n=0, ci95=None)


def test_run_writes_records_and_summary_and_resumes(tmp_path):
    masks = tmp_path / 'input_masks'
    for i, peak in enumerate([(0, 0), (3, 3)]):  # s0 hits, s1 misses, s2 has no mask
        mask = np.zeros((4, 4))
        mask[peak] = 1
        save_npy(str(masks / f's{i}.npy'), mask)
    out = tmp_path / 'eval'
    summary = PointingGame(tolerance=0).run(Boxes(), str(masks), str(out), progress=False)
    assert summary['hit']['mean'] == 0.5 and summary['num_samples'] == 2
    assert json.load(open(out / 'pointing_game.json')) == summary
    assert json.load(open(out / 'pointing_game' / 's1.json'))['point'] == [3, 3]
    # a finished sample is read back, not recomputed (here: a changed record)
    save_json(str(out / 'pointing_game' / 's1.json'), dict(name='s1', hit=1.0))
    assert PointingGame(tolerance=0).run(Boxes(), str(masks), str(out),
                                         progress=False)['hit']['mean'] == 1.0


def test_target_comes_from_meta_else_the_prediction(tmp_path):
    masks = tmp_path / 'input_masks'
    save_npy(str(masks / 's0.npy'), np.ones((4, 4)))
    save_npy(str(masks / 's1.npy'), np.ones((4, 4)))
    save_json(str(tmp_path / 'meta' / 's0.json'), dict(target=1))
    model = LinearModel(torch.ones(1, 4, 4))  # class 0 iff the pixel sum is positive
    ev = InsertionDeletion(model, pixels_per_step=16, insertion_from='baseline')
    ev.run(Boxes(), str(masks), str(tmp_path / 'eval'), range(2), progress=False)
    rec = [json.load(open(tmp_path / 'eval' / 'insertion_deletion' / f's{i}.json'))
           for i in range(2)]
    assert rec[0]['target'] == 1
    assert rec[1]['target'] == int(Boxes()[1]['inputs'].sum() < 0)
