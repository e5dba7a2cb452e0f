"""Batched Wasserstein GAN of InputIBA (methods.md §2, stage 2).

Each of the ``B`` samples has its own generator parameters, its own critic
and its own random numbers; the critics run together under ``torch.vmap``.
Because the losses are summed and every update is elementwise (RMSprop,
clipping), a sample's result does not depend on the rest of the batch.
"""
import copy
import math

import torch
from torch.func import functional_call, stack_module_state

from input_iba.models.bottlenecks import mix
from input_iba.registry import DISCRIMINATORS
from input_iba.utils import rand_per_sample, randn_per_sample
from input_iba.utils.ranges import count, non_negative, positive

#: what the schedule of :func:`train_wgan` accepts
WGAN_RANGES = dict(dataset_size=count(), subset_size=count(), batch_size=count(),
                   epochs=count(0), critic_iters=count(), critic_lr=positive(),
                   weight_clip=positive(), mean_lr=non_negative(), scale_lr=non_negative(),
                   mask_lr=non_negative())


class BatchedCritics:
    """``B`` independent critics built from one config, each initialised
    from its own seed, evaluated as one vmapped call."""

    def __init__(self, cfg, feature_shape, seeds, device):
        critics = []
        for seed in seeds:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(int(seed))
                critic = DISCRIMINATORS.build(
                    dict(cfg, feature_shape=tuple(feature_shape)))
            critics.append(critic.to(device))
        self.params, self.buffers = stack_module_state(critics)
        self.base = copy.deepcopy(critics[0]).to('meta')

    def _call_one(self, params, buffers, feats):
        return functional_call(self.base, (params, buffers), (feats, ))

    def __call__(self, feats):
        """``feats``: ``(B, n, *feature_shape)`` -> scores ``(B, n)``."""
        scores = torch.vmap(self._call_one)(self.params, self.buffers, feats)
        return scores.squeeze(-1)

    def parameters(self):
        return list(self.params.values())

    @torch.no_grad()
    def clip_(self, bound):
        for p in self.parameters():
            p.clamp_(-bound, bound)


def train_wgan(generator, critics, features, feature_mask, generators,
               feature_weight=None, sample_noise=None, *, dataset_size,
               subset_size, batch_size, epochs, critic_iters, critic_lr,
               weight_clip, mean_lr, scale_lr, mask_lr,
               noise_std_range=(0.0, 5.0), noise_mean_range=(-2.0, 2.0)):
    """Fit ``generator`` so that its features look like the bottleneck's.

    The schedule (dataset and batch sizes, epochs, learning rates) has no
    defaults here: it comes from the named schedules of InputIBA.

    "Real" samples of sample ``b`` are ``F * R + (1 - F) * noise``, with
    ``R = features[b]``, ``F = feature_mask[b]`` and Gaussian noise whose
    mean and std are drawn once per subset of ``subset_size`` samples.
    ``feature_weight`` (broadcastable to ``features``, e.g. 0 on padding
    tokens) multiplies real and fake features, so the critic ignores what
    does not count. ``sample_noise(generators, n, shape, device)`` draws
    standard normal noise ``(B, n, *shape)`` (default: row-major per sample).
    Returns the last critic and generator losses per sample.
    """
    if sample_noise is None:
        def sample_noise(gens, n, shape, dev):
            return randn_per_sample(gens, (n, ) + tuple(shape), dev)
    weight = 1.0 if feature_weight is None else (
        feature_weight.unsqueeze(1) if feature_weight.dim() else feature_weight)
    device = features.device
    b = features.shape[0]
    num_subsets = math.ceil(dataset_size / subset_size)
    stds = rand_per_sample(generators, (num_subsets, ), device)
    stds = noise_std_range[0] + stds * (noise_std_range[1] - noise_std_range[0])
    means = rand_per_sample(generators, (num_subsets, ), device)
    means = noise_mean_range[0] + means * (noise_mean_range[1] -
                                           noise_mean_range[0])
    extra_dims = (1, ) * (features.dim() - 1)

    opt_critic = torch.optim.RMSprop(critics.parameters(), lr=critic_lr)
    opt_gen = torch.optim.RMSprop(
        generator.param_groups(mean_lr, scale_lr, mask_lr))
    rows = torch.arange(b, device=device)[:, None]
    loss_c = loss_g = torch.zeros(b, device=device)
    for _ in range(epochs):
        order = torch.stack([
            torch.randperm(dataset_size, generator=g, device=device)
            for g in generators
        ])
        for step, start in enumerate(range(0, dataset_size, batch_size)):
            idx = order[:, start:start + batch_size]
            n = idx.shape[1]
            subset = idx // subset_size
            noise = sample_noise(generators, n, features.shape[1:], device)
            noise = (noise * stds[rows, subset].view(b, n, *extra_dims) +
                     means[rows, subset].view(b, n, *extra_dims))
            real = mix(features[:, None], feature_mask[:, None], noise) * weight
            gaussian = sample_noise(generators, n, generator.x.shape[1:], device)
            generator_step = step % critic_iters == 0
            # On generator steps the critic and the generator see the same
            # fake features: compute them once, with the generator's graph.
            with torch.set_grad_enabled(generator_step):
                fake = generator(gaussian) * weight
            loss_c = critics(fake.detach()).mean(1) - critics(real).mean(1)
            opt_critic.zero_grad()
            loss_c.sum().backward()
            opt_critic.step()
            critics.clip_(weight_clip)
            if generator_step:
                loss_g = -critics(fake).mean(1)
                opt_gen.zero_grad()
                loss_g.sum().backward()
                opt_gen.step()
    return dict(critic_loss=loss_c.detach(), generator_loss=loss_g.detach())
