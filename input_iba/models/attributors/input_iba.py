"""InputIBA (Zhang et al., NeurIPS 2021; methods.md §2), batched.

Three stages on a batch of samples, each sample with its own parameters and
random numbers: (1) the feature bottleneck of :class:`IBA` at ``layer``;
(2) a WGAN whose generator learns an input mask and noise whose features
match the bottleneck's; (3) a bottleneck on the input whose prior is the
generator's mask. The GAN only runs the classifier up to ``layer``.
"""
import torch

from input_iba.models.bottlenecks import input_kl, masked_mean, mix
from input_iba.models.gans import BatchedCritics, MaskedNoiseGenerator, train_wgan
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import make_generators

from .base import AttributionResult
from .iba import IBA

FEATURE_IBA_DEFAULTS = dict(beta=20.0, steps=10, lr=1.0, copies=10,
                            init_alpha=5.0, sigma=1.0)
GAN_DEFAULTS = dict(dataset_size=200, subset_size=20, batch_size=32, epochs=20,
                    critic_iters=5, critic_lr=5e-5, weight_clip=0.01,
                    mean_lr=0.1, scale_lr=0.05, mask_lr=0.003)
INPUT_IBA_DEFAULTS = dict(beta=20.0, steps=60, lr=1.0, copies=10,
                          init_alpha=5.0, sigma=1.0)


@ATTRIBUTORS.register_module()
class InputIBA(IBA):
    """InputIBA with the reference's VGG16 schedule as defaults.

    Args:
        feat_iba: overrides of the feature stage (see :class:`IBA`).
        gan: overrides of the WGAN schedule (see :func:`train_wgan`).
        input_iba: overrides of the input stage (``beta``, ``steps``, ``lr``,
            ``copies``, ``init_alpha``, ``sigma``).
        critic: the critic config; default is the adapter's critic.
        gan_feature_mask: which feature mask makes the GAN's "real" samples
            ``F * R + (1 - F) * noise``. ``'lambda'`` (default) uses the
            bottleneck's own mask: it lies in [0, 1], so the real samples
            have exactly the form of the bottleneck's output, which is what
            the generator is meant to imitate. ``'capacity'`` reproduces the
            reference code (per-element capacity in nats, which exceeds 1 on
            informative elements and then extrapolates past ``R``).
    """

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 feat_iba=None, gan=None, input_iba=None, critic=None,
                 gan_feature_mask='lambda', active_threshold=0.01,
                 min_std=0.01):
        super().__init__(model, layer, adapter,
                         **dict(FEATURE_IBA_DEFAULTS, **(feat_iba or {})),
                         active_threshold=active_threshold, min_std=min_std)
        if gan_feature_mask not in ('lambda', 'capacity'):
            raise ValueError("gan_feature_mask must be 'lambda' or 'capacity', "
                             f'got {gan_feature_mask!r}.')
        self.gan_cfg = dict(GAN_DEFAULTS, **(gan or {}))
        self.input_cfg = dict(INPUT_IBA_DEFAULTS, **(input_iba or {}))
        self.critic_cfg = critic or dict(type=self.adapter.critic_type)
        self.gan_feature_mask = gan_feature_mask

    def _features_of(self, padding_mask):
        def features(inputs, copies):
            return self.layer_output(inputs,
                                     self.adapter.repeat(padding_mask, copies))
        return features

    def fit_generator(self, x, lam, capacity, r, generators, seeds,
                      padding_mask=None):
        """Stage 2: return the generator's input mask ``lam_G`` (shape of x)."""
        init = self.adapter.positions_to_input(
            self.adapter.capacity_to_positions(capacity, x, padding_mask), x)
        generator = MaskedNoiseGenerator(x, init,
                                         self.adapter.noise_param_shape(x),
                                         self._features_of(padding_mask))
        critics = BatchedCritics(self.critic_cfg, r.shape[1:],
                                 [s + 1 for s in seeds], x.device)
        feature_mask = lam if self.gan_feature_mask == 'lambda' else capacity
        losses = train_wgan(generator, critics, r, feature_mask.detach(),
                            generators,
                            self.adapter.feature_weight(r, padding_mask),
                            self.adapter.sample_noise, **self.gan_cfg)
        return generator.mask().detach(), losses

    def fit_input_bottleneck(self, x, targets, prior_lam, generators,
                             padding_mask=None):
        """Stage 3: return the input mask (shape of x).

        The mask returned is the smoothed ``lam`` that the bottleneck applied,
        not the raw ``sigmoid(alpha)`` the reference saved: it is exactly
        what the model saw, and it has no single-pixel speckle.
        """
        cfg = self.input_cfg
        k = cfg['copies']
        weight = self.adapter.input_weight(x, padding_mask)
        alpha = torch.full_like(x, cfg['init_alpha'], requires_grad=True)
        opt = torch.optim.Adam([alpha], lr=cfg['lr'])
        for _ in range(cfg['steps']):
            lam = self.adapter.smooth_input(torch.sigmoid(alpha), cfg['sigma'])
            eps = self.adapter.sample_noise(generators, k, x.shape[1:], x.device)
            z = mix(x[:, None], lam[:, None], eps)
            ce = self.class_loss(z.flatten(0, 1), targets, padding_mask, k)
            info = masked_mean(input_kl(x, lam, prior_lam), weight)
            opt.zero_grad()
            (ce + cfg['beta'] * info).sum().backward()
            opt.step()
        with torch.no_grad():
            lam = self.adapter.smooth_input(torch.sigmoid(alpha), cfg['sigma'])
        return lam, ce.detach(), info.detach()

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        inputs, targets, padding_mask = self.on_device(inputs, targets, padding_mask)
        seeds = list(range(len(inputs))) if seeds is None else list(seeds)
        gens = make_generators(seeds, self.device)
        x = self.adapter.embed(self.model, inputs, padding_mask).detach()
        lam, capacity, r = self.fit_feature_bottleneck(x, targets, gens,
                                                       padding_mask)
        prior, gan_losses = self.fit_generator(x, lam, capacity, r, gens, seeds,
                                               padding_mask)
        mask, ce, info = self.fit_input_bottleneck(x, targets, prior, gens,
                                                   padding_mask)
        to_pos = self.adapter.input_mask_to_positions
        return AttributionResult(
            input_masks=to_pos(mask, padding_mask).cpu(),
            feat_masks=self.adapter.capacity_to_positions(
                capacity, x, padding_mask).cpu(),
            extras=dict(gen_masks=to_pos(prior, padding_mask).cpu()),
            meta=dict(input_ce=ce.cpu(), input_info=info.cpu(),
                      **{k: v.cpu() for k, v in gan_losses.items()}))
