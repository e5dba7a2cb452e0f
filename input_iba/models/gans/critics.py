"""Critics of the InputIBA WGAN. They must work under ``torch.vmap`` (one
critic per sample, evaluated together), so batch norm keeps no running
statistics (the critic is only ever used in training mode)."""
import torch
import torch.nn as nn

from input_iba.registry import DISCRIMINATORS


@DISCRIMINATORS.register_module()
class ConvCritic(nn.Module):
    """Critic for ``(C, h, w)`` feature maps: two stride-2 convolutions that
    widen the channels (x2, x4), one 3x3 back to ``C``, then an MLP to one
    score. The layout follows the InputIBA paper's critic.

    Args:
        feature_shape: ``(C, h, w)`` of the hooked layer.
        hidden: widths of the MLP's hidden layers.
    """

    def __init__(self, feature_shape, hidden=(512, 256), slope=0.2):
        super().__init__()
        if len(feature_shape) != 3:
            raise ValueError('ConvCritic needs (C, h, w) features, got shape '
                             f'{tuple(feature_shape)}; use a sequence critic '
                             'for text.')
        c, h, w = feature_shape

        def block(cin, cout, k, s, p):
            return [nn.Conv2d(cin, cout, k, s, p),
                    nn.BatchNorm2d(cout, track_running_stats=False),
                    nn.LeakyReLU(slope)]

        self.convs = nn.Sequential(*block(c, 2 * c, 4, 2, 1),
                                   *block(2 * c, 4 * c, 4, 2, 1),
                                   *block(4 * c, c, 3, 1, 1))
        layers, width = [], c * (h // 4) * (w // 4)
        for out in hidden:
            layers += [nn.Linear(width, out), nn.LeakyReLU(slope)]
            width = out
        layers.append(nn.Linear(width, 1))
        self.head = nn.Sequential(*layers)

    def forward(self, features):
        return self.head(self.convs(features).flatten(1))



@DISCRIMINATORS.register_module()
class ChannelsLastConvCritic(ConvCritic):
    """:class:`ConvCritic` for ``(h, w, C)`` feature maps (Swin stages read
    through ``TokenImageAdapter(layout='nhwc')``): the same network on the
    features moved to ``(C, h, w)``.

    Args:
        feature_shape: ``(h, w, C)`` of the hooked layer.
        hidden, slope: as :class:`ConvCritic`.
    """

    def __init__(self, feature_shape, hidden=(512, 256), slope=0.2):
        if len(feature_shape) != 3:
            raise ValueError('ChannelsLastConvCritic needs (h, w, C) features, got '
                             f'shape {tuple(feature_shape)}.')
        h, w, c = feature_shape
        super().__init__((c, h, w), hidden, slope)

    def forward(self, features):
        return super().forward(features.permute(0, 3, 1, 2))

@DISCRIMINATORS.register_module()
class RecurrentCritic(nn.Module):
    """Critic for ``(L, H)`` feature sequences: an LSTM written with plain
    matrix products (so that ``torch.vmap`` can batch one critic per
    sample), then a linear score of the mean hidden state over the real
    positions. Padding arrives as all-zero feature vectors (the WGAN zeroes
    it) and is left out of the mean, so the score does not depend on how
    much padding follows the sequence.

    Args:
        feature_shape: ``(L, H)`` of the hooked layer.
        hidden: LSTM width.
    """

    def __init__(self, feature_shape, hidden=64):
        super().__init__()
        if len(feature_shape) != 2:
            raise ValueError('RecurrentCritic needs (L, H) features, got shape '
                             f'{tuple(feature_shape)}; use ConvCritic for images.')
        self.hidden = hidden
        self.inputs = nn.Linear(feature_shape[1], 4 * hidden)
        self.recurrent = nn.Linear(hidden, 4 * hidden, bias=False)
        self.score = nn.Linear(hidden, 1)

    def forward(self, features):
        n = features.shape[0]
        h = features.new_zeros(n, self.hidden)
        c = features.new_zeros(n, self.hidden)
        states = []
        # unbind, not gates[:, t]: the backward of L indexing ops would
        # allocate L full-size gradients (quadratic in L; 20x slower at L=256)
        for gates_t in self.inputs(features).unbind(1):
            i, f, g, o = (gates_t + self.recurrent(h)).chunk(4, -1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            states.append(h)
        real = (features != 0).any(-1, keepdim=True).to(features.dtype)
        pooled = (torch.stack(states, 1) * real).sum(1) / real.sum(1).clamp_min(1)
        return self.score(pooled)
