import numpy as np
import torch

from input_iba.models.estimators import WelfordEstimator


def test_welford_matches_numpy_and_is_batch_independent(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.normal(2.0, 3.0, size=(37, 4, 5)).astype(np.float32)
    data[:, 0, 0] = 0  # never active
    data[:3, 1, 1] = 0
    est = WelfordEstimator(active_threshold=0.5)
    for chunk in np.array_split(data, [5, 6, 20]):
        est.update(torch.from_numpy(chunk))
    np.testing.assert_allclose(est.mean.numpy(), data.mean(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(est.std.numpy(), data.std(0, ddof=1), rtol=1e-5)
    assert not est.active[0, 0] and est.active[1, 1] and est.count == 37
    one = WelfordEstimator()
    one.update(torch.from_numpy(data))
    np.testing.assert_allclose(one.mean.numpy(), est.mean.numpy(), atol=1e-6)
    est.save(tmp_path / 'stats.pt')
    back = WelfordEstimator.load(tmp_path / 'stats.pt')
    assert torch.equal(back.std, est.std) and back.count == 37


def test_estimate_stops_at_layer_and_matches_numpy(tiny_convnet):
    from input_iba.models.attributors import IBA
    calls = []
    tiny_convnet.head.register_forward_hook(lambda *a: calls.append(1))
    iba = IBA(tiny_convnet, 'features.2')
    x = torch.randn(12, 3, 16, 16)
    iba.estimate([dict(inputs=x[:7]), dict(inputs=x[7:])], num_samples=12,
                 progress=False)
    assert calls == []  # the head never ran
    feats = tiny_convnet.features[:3](x).detach().numpy()
    np.testing.assert_allclose(iba.estimator.mean.numpy(), feats.mean(0), atol=1e-5)
    np.testing.assert_allclose(iba.estimator.std.numpy(), feats.std(0, ddof=1),
                               rtol=1e-4, atol=1e-5)
