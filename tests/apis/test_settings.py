"""The one batch-size policy of the tools, and the one name of an
attributor's inner chunk (``internal_batch_size``)."""
import pytest
from mmengine.config import Config

from input_iba.apis.settings import DEFAULT_BATCH_SIZE, attribution_batch_size
from input_iba.apis.validation import CHECKS, check_component
from input_iba.registry import ATTRIBUTORS


def test_the_batch_size_comes_from_the_config_else_the_device():
    assert DEFAULT_BATCH_SIZE == dict(cuda=8, cpu=1)
    assert attribution_batch_size(Config(dict()), 'cpu') == 1
    assert attribution_batch_size(Config(dict()), 'cuda:1') == 8
    assert attribution_batch_size(Config(dict(attribution=dict(batch_size=5))), 'cpu') == 5
    per_method = Config(dict(attribution=dict(batch_size=dict(IBA=3))))
    assert attribution_batch_size(per_method, 'cpu', 'IBA') == 3
    assert attribution_batch_size(per_method, 'cpu', 'Saliency') == 1
    assert attribution_batch_size(per_method, 'cuda', 'Saliency') == 8


def test_a_batch_size_per_method_needs_methods():
    CHECKS['attribution'](Config(dict(methods=dict(IBA={}),
                                      attribution=dict(batch_size=dict(IBA=2)))))
    with pytest.raises(ValueError, match='a dict of methods only in a compare config'):
        CHECKS['attribution'](Config(dict(attribution=dict(batch_size=dict(IBA=2)))))
    with pytest.raises(KeyError, match="attribution.batch_size.IBB is not a known key; did "
                                       "you mean 'IBA'"):
        CHECKS['attribution'](Config(dict(methods=dict(IBA={}),
                                          attribution=dict(batch_size=dict(IBB=2)))))


@pytest.mark.parametrize('name, old', [('RISE', 'batch_size'), ('ScoreCAM', 'batch_size'),
                                       ('Lime', 'batch_size'), ('KernelShap', 'batch_size'),
                                       ('Occlusion', 'perturbations_per_eval'),
                                       ('FeatureAblation', 'perturbations_per_eval'),
                                       ('ShapleyValueSampling', 'perturbations_per_eval'),
                                       ('SmoothGrad', 'chunk_size')])
def test_old_names_of_the_inner_chunk_are_refused(name, old, tiny_convnet):
    layer = dict(layer='features.2') if name == 'ScoreCAM' else {}
    with pytest.raises(KeyError, match=f'methods.{name}.{old} is no longer read: set '
                                       f'methods.{name}.internal_batch_size'):
        check_component(f'methods.{name}', dict(type=name, **{old: 4}, **layer), ATTRIBUTORS)
    with pytest.raises(TypeError, match=f"{name}: '{old}' is no longer read: set "
                                        'internal_batch_size'):
        ATTRIBUTORS.build(dict(type=name, model=tiny_convnet, **{old: 4}, **layer))
    att = ATTRIBUTORS.build(dict(type=name, model=tiny_convnet, internal_batch_size=4, **layer))
    assert att.internal_batch_size == 4


def test_a_method_without_an_inner_chunk_keeps_the_plain_error(tiny_convnet):
    with pytest.raises(TypeError, match='unexpected keyword argument'):
        ATTRIBUTORS.build(dict(type='Saliency', model=tiny_convnet, batch_size=4))
