"""What the Python API accepts as inputs and targets, and what it refuses."""
import pytest
import torch

from input_iba.models.attributors import Saliency


@pytest.fixture
def saliency(tiny_convnet):
    return Saliency(tiny_convnet)


def test_targets_as_a_tensor_a_list_an_int_or_none(saliency, tiny_convnet):
    x = torch.randn(3, 3, 16, 16)
    reference = saliency.attribute(x, torch.tensor([0, 1, 2])).input_masks
    assert torch.equal(saliency.attribute(x, [0, 1, 2]).input_masks, reference)
    predicted = tiny_convnet(x).argmax(-1)
    assert torch.equal(saliency.attribute(x).input_masks,
                       saliency.attribute(x, predicted).input_masks)
    assert torch.equal(saliency.attribute(x, 1).input_masks,
                       saliency.attribute(x, [1, 1, 1]).input_masks)


@pytest.mark.parametrize('targets, error, message', [
    ([0, 1], ValueError, '2 targets for a batch of 3'),
    ([0, -7, 1], ValueError, r'\[-7\].*negative'),
    ([0.0, 1.0, 2.0], TypeError, 'integer class indices'),
    ('cat', TypeError, 'class indices'),
])
def test_bad_targets_are_refused_with_the_fix(saliency, targets, error, message):
    with pytest.raises(error, match=message):
        saliency.attribute(torch.randn(3, 3, 16, 16), targets)


@pytest.mark.parametrize('inputs', [[[0.0] * 4], torch.zeros(4)])
def test_inputs_that_are_not_a_batch_tensor_are_refused(saliency, inputs):
    with pytest.raises(TypeError, match='batch tensor'):
        saliency.attribute(inputs, [0])
