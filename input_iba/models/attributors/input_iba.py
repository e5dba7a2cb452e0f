"""InputIBA (Zhang et al., NeurIPS 2021; methods.md §2), batched.

Three stages on a batch of samples, each sample with its own parameters and
random numbers: (1) the feature bottleneck of :class:`IBA` at ``layer``;
(2) a WGAN whose generator learns an input mask and noise whose features
match the bottleneck's; (3) a bottleneck on the input whose prior is the
generator's mask. The GAN only runs the classifier up to ``layer``.

The schedules are named, each written once here: ``'published'`` is the
reference's VGG16 schedule, ``'published_text'`` its deep-LSTM one, and
``'fast'`` (the default for images) is the cheapest schedule whose masks are
as good as the published ones (docs/results/speed.md): the GAN's generator
is not trained (its mask starts from the feature mask and, at the published
learning rate, hardly moves in 20 epochs), and the input stage is shorter.
"""
import difflib
import math
import warnings

import torch

from input_iba.models.bottlenecks import input_kl, masked_mean, mix
from input_iba.models.gans import BatchedCritics, train_wgan
from input_iba.models.gans.wgan import WGAN_RANGES
from input_iba.models.smooth_gradients import smooth_activation_gradients
from input_iba.registry import ATTRIBUTORS, GENERATORS
from input_iba.utils.ranges import count, non_negative, one_of, positive

from .base import AttributionResult
from .empirical_explainer import EmpiricalExplainer
from .iba import BOTTLENECK_RANGES, IBA

_PUBLISHED = dict(
    feat_iba=dict(beta=20.0, steps=10, lr=1.0, copies=10, init_alpha=5.0,
                  sigma=1.0),
    gan=dict(dataset_size=200, subset_size=20, batch_size=32, epochs=20,
             critic_iters=5, critic_lr=5e-5, weight_clip=0.01, mean_lr=0.1,
             scale_lr=0.05, mask_lr=0.003),
    input_iba=dict(beta=20.0, steps=60, lr=1.0, copies=10, init_alpha=5.0,
                   sigma=1.0, lr_decay='constant', restarts=1))


def _with(schedule, **stages):
    return {k: dict(v, **stages.get(k, {})) for k, v in schedule.items()}


SCHEDULES = dict(
    published=_PUBLISHED,
    published_text=_with(_PUBLISHED, feat_iba=dict(beta=15.0, sigma=0),
                         gan=dict(mask_lr=0.03),
                         input_iba=dict(beta=30.0, steps=30, lr=0.5, sigma=0)),
    fast=_with(_PUBLISHED, gan=dict(epochs=0),
               input_iba=dict(steps=30, copies=10)),
)


LR_DECAYS = ('constant', 'cosine')
#: where the input stage starts: after the feature stage and the GAN, or from an
#: empirical explainer's prediction (a warm start)
INITS = ('stages', 'amortised')


def step_sizes(lr, steps, decay):
    """The learning rate of each step: ``'constant'``, or ``'cosine'`` from
    ``lr`` down to ``lr / steps`` at the last step."""
    if decay == 'constant':
        return [lr] * steps
    if decay == 'cosine':
        floor = lr / steps
        return [floor + (lr - floor) * 0.5 * (1 + math.cos(math.pi * t / max(steps - 1, 1)))
                for t in range(steps)]
    raise ValueError(f'lr_decay must be one of {LR_DECAYS}, got {decay!r}.')


def merge_stage(stage, defaults, overrides):
    """``defaults`` updated by ``overrides``; an unknown key is an error
    that names the close ones (a misspelt key must not be ignored)."""
    unknown = sorted(set(overrides or {}) - set(defaults))
    if unknown:
        hints = {k: difflib.get_close_matches(k, defaults, n=2) for k in unknown}
        raise KeyError(f'Unknown InputIBA {stage} option(s) {hints} (key: close '
                       f'names); valid: {sorted(defaults)}.')
    return dict(defaults, **(overrides or {}))


@ATTRIBUTORS.register_module()
class InputIBA(IBA):
    """InputIBA with a named schedule and per-stage overrides.

    Args:
        schedule: ``'fast'``, ``'published'`` or ``'published_text'`` (see the
            module docstring); default by modality: ``'fast'`` for images,
            ``'published_text'`` for text.
        feat_iba: overrides of the feature stage (``beta``, ``steps``, ``lr``,
            ``copies``, ``init_alpha``, ``sigma``; see :class:`IBA`).
        gan: overrides of the WGAN schedule (see :func:`train_wgan`);
            ``epochs=0`` uses the generator's initial mask as the prior.
        input_iba: overrides of the input stage (keys as ``feat_iba``).
        critic: the critic config; default is the adapter's critic.
        generator: the generator config (default ``MaskedNoiseGenerator``).
        gan_feature_mask: which feature mask makes the GAN's "real" samples
            ``F * R + (1 - F) * noise``. ``'lambda'`` (default) uses the
            bottleneck's own mask: it lies in [0, 1], so the real samples
            have exactly the form of the bottleneck's output, which is what
            the generator is meant to imitate. ``'capacity'`` reproduces the
            reference code (per-element capacity in nats, which exceeds 1 on
            informative elements and then extrapolates past ``R``).
        input_mask: the map returned: ``'sigmoid'`` (default) the optimised
            ``sigmoid(alpha)``, what the reference returns and what the
            paper's metrics were defined on; ``'smoothed'`` the
            Gaussian-smoothed mask that the input bottleneck applied, i.e.
            what the model saw. On the 68 ImageNet images the default
            schedule's ``sigmoid(alpha)`` matches or beats the reference's
            masks on the paper's EHR, insertion, deletion and the pointing
            game; the smoothed mask of the same run loses the paper's EHR
            and insertion (it lowers the peaks that the paper's EHR rewards
            and blurs the order of pixels within the object) and wins only
            the heat-share EHR (docs/results/input_iba_quality.md).
        prior_init: where the generator's mask (with ``gan.epochs=0``: the
            input bottleneck's prior) starts: ``'capacity'`` (default, the
            reference) at sigmoid(bits of the feature mask per position),
            or ``'lambda'`` at the feature mask's mean over the units of each
            position. ``'capacity'`` is about 1 wherever a position carries
            many bits (a token of a 384-d transformer layer), which leaves
            the input bottleneck without an information cost; ``'lambda'``
            stays in the feature mask's range.
        init: ``'stages'`` (default): the three stages above. ``'amortised'``:
            a warm start that skips the feature stage and the GAN: an
            empirical explainer trained on this InputIBA's masks predicts the
            input mask in one forward pass, and the input stage starts from
            that prediction (clipped to [0.001, 0.999]), with the prediction
            as its prior, for ``input_iba.steps`` steps (0, from Python only:
            the prediction itself; configs ask for at least 1 step and use
            ``EmpiricalExplainer`` for the prediction). The input bottleneck
            needs no layer statistics then.
        explainer: with ``init='amortised'``, the :class:`EmpiricalExplainer`
            settings (``layer``, ``feature_dim``, ``head``, ``checkpoint``,
            ...; its model and adapter are this InputIBA's) or a built one.
        activation_gradient_width: the model's ReLU/ReLU6 modules get a
            continuous gradient, a ramp of this half-width at each kink (the
            forward pass stays exact; :mod:`input_iba.models.smooth_gradients`),
            so that float-level differences (batch size, threads, machine)
            stay float-level in the masks instead of being amplified by the
            optimisation; it also gains EHR at equal insertion/deletion
            (docs/results/determinism.md). 0 keeps the exact gradients.
    """

    #: what the options accept, checked before any work (input_iba.apis.validation);
    #: the choices of schedule, gan_feature_mask, input_mask and prior_init are
    #: checked when the class is built
    value_ranges = dict(
        feat_iba=BOTTLENECK_RANGES,
        gan=WGAN_RANGES,
        input_iba=dict(BOTTLENECK_RANGES, lr_decay=one_of(*LR_DECAYS), restarts=count()),
        activation_gradient_width=non_negative(),
        active_threshold=non_negative(),
        min_std=positive())

    def __init__(self, model, layer, adapter=dict(type='ImageAdapter'),
                 schedule=None, feat_iba=None, gan=None, input_iba=None,
                 critic=None, generator=None, gan_feature_mask='lambda',
                 input_mask='sigmoid', prior_init='capacity', init='stages', explainer=None,
                 activation_gradient_width=0.5, active_threshold=0.01, min_std=0.01):
        if activation_gradient_width:
            model = smooth_activation_gradients(model, activation_gradient_width)
        super().__init__(model, layer, adapter, active_threshold=active_threshold,
                         min_std=min_std)
        if schedule is None:
            schedule = 'published_text' if self.adapter.modality == 'text' else 'fast'
        if schedule not in SCHEDULES:
            raise KeyError(f'Unknown InputIBA schedule {schedule!r}: use one of '
                           f'{sorted(SCHEDULES)}.')
        stages = SCHEDULES[schedule]
        feat = merge_stage('feat_iba', stages['feat_iba'], feat_iba)
        self.beta, self.steps, self.lr = feat['beta'], feat['steps'], feat['lr']
        self.copies, self.init_alpha = feat['copies'], feat['init_alpha']
        self.sigma = feat['sigma']
        self.gan_cfg = merge_stage('gan', stages['gan'], gan)
        self.input_cfg = merge_stage('input_iba', stages['input_iba'], input_iba)
        self.schedule = schedule
        for name, value, choices in (
                ('gan_feature_mask', gan_feature_mask, ('lambda', 'capacity')),
                ('input_mask', input_mask, ('sigmoid', 'smoothed')),
                ('prior_init', prior_init, ('capacity', 'lambda')),
                ('init', init, INITS),
                ('input_iba.lr_decay', self.input_cfg['lr_decay'], LR_DECAYS)):
            if value not in choices:
                raise ValueError(f'{name} must be one of {choices}, got {value!r}.')
        if not (isinstance(self.input_cfg['restarts'], int)
                and self.input_cfg['restarts'] >= 1):
            raise ValueError('input_iba.restarts must be a positive int, got '
                             f"{self.input_cfg['restarts']!r}.")
        self.critic_cfg = critic or dict(type=self.adapter.critic_type)
        self.generator_cfg = generator or dict(type='MaskedNoiseGenerator')
        self.gan_feature_mask = gan_feature_mask
        self.input_mask = input_mask
        self.prior_init = prior_init
        self._prior_warned = False
        self.init, self.explainer = init, self._build_explainer(init, explainer)

    def _build_explainer(self, init, explainer):
        if init != 'amortised':
            if explainer is not None:
                raise ValueError("explainer=... is used by init='amortised' only.")
            if self.input_cfg['steps'] < 1:
                raise ValueError("input_iba.steps=0 (the prediction itself) is for "
                                 "init='amortised'; the three stages need at least 1 step.")
            return None
        if explainer is None:
            raise ValueError("init='amortised' needs explainer=dict(layer=..., feature_dim=..., "
                             'checkpoint=...): an empirical explainer trained on this '
                             "InputIBA's masks (tools/train_explainer.py).")
        if isinstance(explainer, EmpiricalExplainer):
            return explainer
        return EmpiricalExplainer(self.model, adapter=self.adapter, **explainer)

    @property
    def needs_statistics(self):
        """The warm start runs no feature stage: no layer statistics."""
        return self.init == 'stages'

    def _features_of(self, padding_mask):
        def features(inputs, copies):
            return self.layer_output(inputs,
                                     self.adapter.repeat(padding_mask, copies))
        return features

    def fit_generator(self, x, lam, capacity, r, generators, seeds,
                      padding_mask=None):
        """Stage 2: return the generator's input mask ``lam_G`` (shape of x)
        and the final GAN losses. The generator's mask logits start at the
        feature mask in bits per input position (``prior_init='lambda'``: at
        the logit of its mean mask per position); with ``epochs=0`` that
        start is the prior and nothing is built or run."""
        if self.prior_init == 'capacity':
            logits = self.adapter.capacity_to_positions(capacity, x, padding_mask)
        else:
            logits = torch.logit(self.adapter.feature_mask_to_positions(
                lam, x, padding_mask).clamp(1e-4, 1 - 1e-4))
        init = self.adapter.positions_to_input(logits, x)
        if self.gan_cfg['epochs'] == 0:
            prior = torch.sigmoid(init)
            self._check_prior(prior, padding_mask)
            return prior, {}
        generator = GENERATORS.build(self.generator_cfg, default_args=dict(
            x=x, mask_logits=init, noise_shape=self.adapter.noise_param_shape(x),
            features=self._features_of(padding_mask)))
        critics = BatchedCritics(self.critic_cfg, r.shape[1:],
                                 [s + 1 for s in seeds], x.device)
        feature_mask = lam if self.gan_feature_mask == 'lambda' else capacity
        losses = train_wgan(generator, critics, r, feature_mask.detach(),
                            generators,
                            self.adapter.feature_weight(r, padding_mask),
                            self.adapter.sample_noise, **self.gan_cfg)
        prior = generator.mask().detach()
        self._check_prior(prior, padding_mask)
        return prior, losses

    def _check_prior(self, prior, padding_mask):
        """Warn once when the input bottleneck's prior (the generator's mask)
        is about 1 at every position of every sample: the input bottleneck
        then costs no information (its KL is 0) and the input mask follows
        the class loss alone. With ``prior_init='capacity'`` this happens
        where a position carries many bits of the feature mask, e.g. a token
        of a 384-d transformer layer, and a short GAN does not move it."""
        if self._prior_warned:
            return
        mean = masked_mean(prior, self.adapter.input_weight(prior, padding_mask))
        if float(mean.min()) > 0.99:
            self._prior_warned = True
            warnings.warn(
                f"InputIBA: the input bottleneck's prior is {float(mean.mean()):.3f} on average, "
                'so the bottleneck has no information cost and its mask only follows the class '
                "loss. Use prior_init='lambda' (the prior starts at the feature mask's mean per "
                'position).', stacklevel=2)

    def fit_input_bottleneck(self, x, targets, prior_lam, generators,
                             padding_mask=None, start=None):
        """Stage 3: return the input mask (shape of x, as ``input_mask``
        chooses), the final cross-entropy and the mean capacity per sample.
        ``start``: the mask logits to start from (shape of x; default
        ``init_alpha`` everywhere). With 0 steps the losses are None.

        With ``restarts = R > 1`` every sample's mask is optimised ``R``
        times, each run with its own noise, and the masks are averaged: the
        optimisation is noisy and non-convex, so one run's mask is its
        expectation plus pixel-level noise that the average shrinks.
        """
        cfg = self.input_cfg
        k, runs = cfg['copies'], cfg['restarts']
        x, targets, prior_lam = (t.repeat_interleave(runs, 0)
                                 for t in (x, targets, prior_lam))
        pm = self.adapter.repeat(padding_mask, runs)
        weight = self.adapter.input_weight(x, pm)
        alpha = (torch.full_like(x, cfg['init_alpha']) if start is None else
                 start.to(x.dtype).repeat_interleave(runs, 0).clone()).requires_grad_(True)
        opt = torch.optim.Adam([alpha], lr=cfg['lr'])
        ce = info = None
        for lr in step_sizes(cfg['lr'], cfg['steps'], cfg['lr_decay']):
            opt.param_groups[0]['lr'] = lr
            lam = self.adapter.smooth_input(torch.sigmoid(alpha), cfg['sigma'])
            eps = self.adapter.sample_noise(generators, runs * k, x.shape[1:],
                                            x.device)
            z = mix(x[:, None], lam[:, None], eps.view(-1, k, *x.shape[1:]))
            ce = self.class_loss(z.flatten(0, 1), targets, pm, k)
            info = masked_mean(input_kl(x, lam, prior_lam), weight)
            opt.zero_grad()
            (ce + cfg['beta'] * info).sum().backward()
            opt.step()
        with torch.no_grad():
            mask = torch.sigmoid(alpha)
            if self.input_mask == 'smoothed':
                # in the mask's own precision under autocast (a bf16 convolution
                # would round the returned map)
                mask = self.adapter.smooth_input(mask, cfg['sigma']).to(mask.dtype)

        def per_sample(t):
            return None if t is None else t.detach().view(-1, runs, *t.shape[1:]).mean(1)
        return per_sample(mask), per_sample(ce), per_sample(info)

    def explain(self, batch):
        if self.init == 'amortised':
            return self._explain_warm(batch)
        x, targets, pm, gens = batch.x, batch.targets, batch.padding_mask, batch.generators
        lam, capacity, r = self.fit_feature_bottleneck(x, targets, gens, pm)
        prior, gan_losses = self.fit_generator(x, lam, capacity, r, gens,
                                               batch.seeds, pm)
        mask, ce, info = self.fit_input_bottleneck(x, targets, prior, gens, pm)
        to_pos = self.adapter.input_mask_to_positions
        return AttributionResult(
            input_masks=to_pos(mask, pm).cpu(),
            feat_masks=self.adapter.capacity_to_positions(capacity, x, pm).cpu(),
            extras=dict(gen_masks=to_pos(prior, pm).cpu()),
            meta=dict(input_ce=ce.cpu(), input_info=info.cpu(),
                      **{k: v.cpu() for k, v in gan_losses.items()}))

    def _explain_warm(self, batch):
        """``init='amortised'``: the explainer's predicted mask is the input
        stage's start and prior."""
        x, pm = batch.x, batch.padding_mask
        with torch.no_grad():
            predicted = self.explainer.net(batch.inputs, pm).float()
        start = self.adapter.positions_to_input(predicted.clamp(1e-3, 1 - 1e-3), x)
        mask, ce, info = self.fit_input_bottleneck(x, batch.targets, start.to(x.dtype),
                                                   batch.generators, pm,
                                                   start=torch.logit(start))
        to_pos = self.adapter.input_mask_to_positions
        meta = {} if ce is None else dict(input_ce=ce.cpu(), input_info=info.cpu())
        return AttributionResult(input_masks=to_pos(mask, pm).cpu(),
                                 extras=dict(gen_masks=to_pos(start, pm).cpu()), meta=meta)
