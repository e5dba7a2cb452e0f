"""tools/vision/train.py with an amortised explainer and with InputIBA's
warm start, both set in the config."""
import numpy as np
import pytest
import torch

from input_iba.models.attributors import EmpiricalExplainer
from input_iba.tools.train import main

from .helpers import make_image_run, masks

EXPLAINER = "dict(layer='features.2', feature_dim=8, head='decoder', hidden=4, checkpoint=r'{}')"


def _config(cfg, attributor):
    """``cfg`` with its attributor replaced (the old one kept as ``unused``)."""
    text = cfg.read_text().replace('attributor = dict(', 'unused = dict(')
    cfg.write_text(text + f'attributor = {attributor}\n')
    return cfg


def test_explainer_and_warm_start_from_the_config(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=3, broken=False, labels='')
    from user_model import UserTinyNet  # the fixture's model, on the path now
    torch.manual_seed(0)
    net = EmpiricalExplainer(UserTinyNet(), layer='features.2', feature_dim=8, head='decoder',
                             hidden=4).net
    checkpoint = tmp_path / 'explainer.pth'
    torch.save(net.state_dict(), checkpoint)
    explainer = EXPLAINER.format(checkpoint)

    _config(cfg, f"dict(type='EmpiricalExplainer', **{explainer})")
    assert main('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])['done'] == 3
    amortised = masks(work)
    assert sorted(amortised) == ['img0.npy', 'img1.npy', 'img2.npy']
    assert all(m.shape == (16, 16) for m in amortised.values())

    # the warm start: no layer statistics; one step moves the clipped prediction a little
    warm = tmp_path / 'warm.py'
    warm.write_text(cfg.read_text())
    _config(warm, f"dict(type='InputIBA', layer='features.2', init='amortised', "
                  f"explainer={explainer}, input_iba=dict(steps=1, copies=1))")
    main('t', [str(warm), '--work-dir', str(tmp_path / 'warm'), '--device', 'cpu'])
    assert not (tmp_path / 'warm' / 'estimation').exists()
    for name, mask in masks(tmp_path / 'warm').items():
        start = np.clip(amortised[name], 1e-3, 1 - 1e-3)
        assert mask.shape == start.shape and 0 < np.abs(mask - start).max() < 0.5


def test_a_missing_checkpoint_fails_before_any_output(tmp_path, monkeypatch):
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=2, broken=False, labels='')
    _config(cfg, "dict(type='EmpiricalExplainer', "
                 + EXPLAINER.format(tmp_path / 'none.pth')[5:])
    with pytest.raises(FileNotFoundError, match='train one with'):
        main('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert sorted(p.name for p in work.iterdir()) == ['logs']  # only the log of the attempt
