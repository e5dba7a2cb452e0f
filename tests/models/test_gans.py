import torch

from input_iba.models.gans import BatchedCritics, ConvCritic, MaskedNoiseGenerator


def test_generator_output_shape_and_mask_range():
    x = torch.randn(2, 3, 16, 16)
    gen = MaskedNoiseGenerator(x, torch.zeros_like(x), (3, 1, 1),
                               lambda inp, n: inp[:, :2, ::2, ::2])
    out = gen(torch.randn(2, 5, 3, 16, 16))
    assert out.shape == (2, 5, 2, 8, 8)
    assert torch.allclose(gen.mask(), torch.full_like(x, 0.5))


def test_generator_with_open_mask_returns_the_input():
    x = torch.randn(1, 3, 4, 4)
    gen = MaskedNoiseGenerator(x, torch.full_like(x, 50.0), (3, 1, 1),
                               lambda inp, n: inp)
    out = gen(torch.randn(1, 2, 3, 4, 4))
    assert torch.allclose(out, x.expand(2, -1, -1, -1)[None], atol=1e-6)


def test_batched_critics_equal_individual_critics():
    shape, seeds = (8, 8, 8), [3, 7]
    batched = BatchedCritics(dict(type='ConvCritic'), shape, seeds, 'cpu')
    feats = torch.randn(2, 5, *shape)
    scores = batched(feats)
    assert scores.shape == (2, 5)
    for b, seed in enumerate(seeds):
        torch.manual_seed(seed)
        single = ConvCritic(shape)
        assert torch.allclose(single(feats[b]).squeeze(-1), scores[b], atol=1e-5)
