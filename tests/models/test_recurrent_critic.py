"""The text WGAN's critic: an LSTM written with matrix products."""
import torch
import torch.nn as nn

from input_iba.models.gans import BatchedCritics, RecurrentCritic


def _lstm_with_the_critics_weights(critic, features_dim):
    lstm = nn.LSTM(features_dim, critic.hidden, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(critic.inputs.weight)
        lstm.bias_ih_l0.copy_(critic.inputs.bias)
        lstm.weight_hh_l0.copy_(critic.recurrent.weight)
        lstm.bias_hh_l0.zero_()
    return lstm


def test_recurrence_equals_torch_lstm_then_mean_and_score():
    torch.manual_seed(0)
    critic = RecurrentCritic((6, 5), hidden=4)
    feats = torch.randn(3, 6, 5)
    states, _ = _lstm_with_the_critics_weights(critic, 5)(feats)
    expected = critic.score(states.mean(1))
    assert torch.allclose(critic(feats), expected, atol=1e-6)


def test_trailing_padding_does_not_change_the_score():
    torch.manual_seed(0)
    critic = RecurrentCritic((4, 3), hidden=5)
    feats = torch.randn(2, 4, 3)
    padded = torch.cat([feats, torch.zeros(2, 3, 3)], 1)
    assert torch.allclose(critic(feats), critic(padded), atol=1e-6)


def test_vmapped_critics_equal_individual_critics():
    shape, seeds = (5, 3), [4, 9]
    batched = BatchedCritics(dict(type='RecurrentCritic', hidden=6), shape, seeds, 'cpu')
    feats = torch.randn(2, 7, *shape)
    scores = batched(feats)
    assert scores.shape == (2, 7)
    for b, seed in enumerate(seeds):
        torch.manual_seed(seed)
        single = RecurrentCritic(shape, hidden=6)
        assert torch.allclose(single(feats[b]).squeeze(-1), scores[b], atol=1e-6)
    scores.sum().backward()  # gradients flow through the vmapped recurrence
    assert all(p.grad is not None for p in batched.parameters())
