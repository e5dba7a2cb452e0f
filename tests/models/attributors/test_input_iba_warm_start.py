"""InputIBA's warm start (init='amortised'): the input stage starts from an
empirical explainer's predicted mask, with that mask as its prior."""
import pytest
import torch

from input_iba.models.attributors import EmpiricalExplainer, InputIBA

EXPLAINER = dict(layer='features.2', feature_dim=8, head='decoder', hidden=4)


def _warm(model, steps, **kwargs):
    return InputIBA(model, 'features.2', init='amortised', explainer=EXPLAINER,
                    input_iba=dict(steps=steps, copies=2), **kwargs)


def test_zero_steps_return_the_explainers_prediction_clipped(tiny_convnet):
    x, targets = torch.randn(2, 3, 16, 16), torch.tensor([0, 1])
    torch.manual_seed(1)
    warm = _warm(tiny_convnet, steps=0)
    with torch.no_grad():
        predicted = warm.explainer.net(x).clamp(1e-3, 1 - 1e-3)
    out = warm.attribute(x, targets, seeds=[0, 1])  # no layer statistics needed
    torch.testing.assert_close(out.input_masks, predicted)
    torch.testing.assert_close(out.extras['gen_masks'], predicted)  # the prior


def test_steps_refine_the_start_and_a_sample_does_not_depend_on_its_batch(tiny_convnet):
    x, targets = torch.randn(2, 3, 16, 16), torch.tensor([0, 1])
    torch.manual_seed(1)
    warm = _warm(tiny_convnet, steps=3)
    both = warm.attribute(x, targets, seeds=[0, 1]).input_masks
    start = _warm_start(warm, x)
    assert (both - start).abs().max() > 1e-3  # the steps moved the mask
    one = warm.attribute(x[1:], targets[1:], seeds=[1]).input_masks
    torch.testing.assert_close(one[0], both[1], atol=1e-5, rtol=1e-4)


def _warm_start(warm, x):
    with torch.no_grad():
        return warm.explainer.net(x).clamp(1e-3, 1 - 1e-3)


def test_a_built_explainer_is_used_as_it_is_and_bad_settings_are_refused(tiny_convnet):
    built = EmpiricalExplainer(tiny_convnet, **EXPLAINER)
    warm = InputIBA(tiny_convnet, 'features.2', init='amortised', explainer=built)
    assert warm.explainer is built and not warm.needs_statistics
    assert InputIBA(tiny_convnet, 'features.2').needs_statistics
    with pytest.raises(ValueError, match="init='amortised' needs explainer"):
        InputIBA(tiny_convnet, 'features.2', init='amortised')
    with pytest.raises(ValueError, match="used by init='amortised' only"):
        InputIBA(tiny_convnet, 'features.2', explainer=EXPLAINER)
    with pytest.raises(ValueError, match='init must be one of'):
        InputIBA(tiny_convnet, 'features.2', init='warm')
    with pytest.raises(ValueError, match=r"steps=0 \(the prediction itself\) is for"):
        InputIBA(tiny_convnet, 'features.2', input_iba=dict(steps=0))


def test_text_starts_every_token_from_its_predicted_value():
    from input_iba.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=30, hidden_dim=8,
                              embedding_dim=6, attention_dim=5)).eval()
    ids = torch.randint(3, 30, (2, 7))
    pm = torch.ones(2, 7, dtype=torch.bool)
    pm[1, 4:] = False
    warm = InputIBA(model, 'encoder', adapter=dict(type='TokenEmbeddingAdapter'),
                    init='amortised', input_iba=dict(steps=0, copies=2),
                    explainer=dict(layer='encoder', feature_dim=16, head='token'))
    out = warm.attribute(ids * pm, torch.tensor([0, 1]), seeds=[0, 1], padding_mask=pm)
    with torch.no_grad():
        predicted = warm.explainer.net(ids * pm, pm).clamp(1e-3, 1 - 1e-3)
    torch.testing.assert_close(out.input_masks, predicted * pm)
