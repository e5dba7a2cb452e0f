"""Mean curves over records whose x differ (documents of different lengths)."""
import numpy as np

from input_iba.evaluation.plots import _common_grid


def test_curves_of_different_lengths_meet_on_the_union_of_their_x():
    records = [dict(f=[0, 0.5, 1], y=[1.0, 0.5, 0.0]),
               dict(f=[0, 0.25, 0.5, 0.75, 1], y=[1.0, 1.0, 1.0, 1.0, 0.0]),
               dict(f=[0, 0.5], y=[2.0, 4.0])]
    x, curves = _common_grid(records, 'f', 'y')
    assert x.tolist() == [0, 0.25, 0.5, 0.75, 1]
    assert curves[0].tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert curves[2, :3].tolist() == [2.0, 3.0, 4.0] and np.isnan(curves[2, 3:]).all()
    same = [dict(f=[0, 1], y=[1.0, 0.0]), dict(f=[0, 1], y=[0.0, 0.0])]
    x, curves = _common_grid(same, 'f', 'y')
    assert x.tolist() == [0, 1] and curves.tolist() == [[1.0, 0.0], [0.0, 0.0]]
    x, curves = _common_grid(same, None, 'y')
    assert x.tolist() == [1, 2]
