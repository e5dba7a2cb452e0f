"""MaRC: rationales by input mask optimisation (Brinner & Zarrieß, Findings
of ACL 2023; methods.md §3), batched over samples.

Every position i (a word, or a cell of the image's mask grid) has a weight
``w_i`` and a width ``s_i``; the mask is
``lam_j = sigmoid(sum_i w_i exp(-d(i, j)^2 / s_i^p))`` (``p = 2`` as in the
paper and its text code; the image code divides by ``s_i``, ``p = 1``), so
wide kernels make whole spans or regions. With uninformative baselines ``b``
the kept input is ``lam x + (1 - lam) b`` and the removed one
``(1 - lam) x + lam b``; the loss asks the kept part to be sufficient, the
removed part to be comprehensive, and the mask to be small
(``(mean lam)^2``), made of wide kernels (``mean(-log s)``) and, for images,
smooth (total variation over 8 neighbours). Noise on the inputs and random
snapping of mask entries to 0 or 1 make the masks robust. Each sample (or
chunk of a long document) stops on its own rule while the rest of the batch
goes on; a stopped sample's parameters no longer change.

Where the parameters live (an image grid, or the words of document chunks)
is the layout chosen by the adapter (_utils/mask_layouts.py); the kernel sums
and their memory are in _utils/gaussian_kernels.py.
"""
import math

import torch

from input_iba.models.bottlenecks import mix
from input_iba.registry import ATTRIBUTORS

from ._utils.gaussian_kernels import total_variation
from ._utils.mask_layouts import ImageGrid, WordChunks
from .base import AttributionBatch, BaseAttributor

# The reference's defaults (movie_reviews/ and imagenet/ MaRC code, CNNs).
TEXT_DEFAULTS = dict(
    area_weight=1.0, width_weight=1.2, tv_weight=0.0, sigmoid_weight=0.0,
    init_weight=1.2, init_width=2.0, min_width=0.1, width_exponent=2,
    noise=0.03, snap=0.05, lr=3e-2, optimizer='AdamW', max_steps=900,
    check_every=50, ema=None, change_tolerance=1 / 200, loose_tolerance=1 / 80,
    loose_below=0.2, min_steps=200, early_below=0.3, max_mean_mask=0.45)
IMAGE_DEFAULTS = dict(
    area_weight=0.6, width_weight=1.2, tv_weight=10.0, sigmoid_weight=0.1,
    init_weight=0.5, init_width=1.2, min_width=0.6, width_exponent=1,
    noise=0.0, snap=0.0, lr=3e-2, optimizer='Adam', max_steps=7500,
    check_every=1, ema=0.95, change_tolerance=2e-4, loose_tolerance=None,
    loose_below=None, min_steps=250, early_below=None, max_mean_mask=0.5)
DEFAULTS = dict(text=TEXT_DEFAULTS, image=IMAGE_DEFAULTS)


@ATTRIBUTORS.register_module()
class MaRC(BaseAttributor):
    """MaRC with the published defaults of the adapter's modality; every key
    of ``TEXT_DEFAULTS`` / ``IMAGE_DEFAULTS`` can be overridden.

    Args:
        baselines: kinds of the adapter's ``baseline_input`` used together
            (the losses average over them); None: the adapter's default
            (text ``('pad',)``, images ``('black', 'white', 'mean')``; the
            reference uses ``('blur',)`` for ViTs).
        blur_sigma: images: pixels of the ``'blur'`` baseline (the
            reference's PIL radius 20).
        window: images: kernel window in pixels (41 in the paper).
        grid_stride: images: pixels per mask parameter (1 = per pixel, as the
            paper); coarser grids are upsampled bilinearly, and distances and
            widths are then in grid cells.
        max_length, overlap: text: documents with more than ``max_length``
            word tokens are split into word-aligned chunks overlapping by
            about ``overlap`` tokens; their predictions are averaged in one
            loss, each chunk has its own mask and stopping rule, and the masks
            are blended over the overlaps. Tokens that belong to no word
            (``word_ids == -1``, e.g. [CLS]/[SEP]) are never masked and those
            before the first and after the last word go into every chunk.
    """

    #: keys accepted besides the constructor's named arguments
    schedule_keys = tuple(sorted(TEXT_DEFAULTS))

    def __init__(self, model, adapter=dict(type='ImageAdapter'), baselines=None,
                 blur_sigma=20.0, window=41, grid_stride=1, max_length=510,
                 overlap=100, **overrides):
        super().__init__(model, adapter)
        modality = self.adapter.modality
        if modality not in DEFAULTS:
            raise TypeError(f'MaRC needs a text or image adapter, got '
                            f'{type(self.adapter).__name__}.')
        self.is_text = modality == 'text'
        unknown = set(overrides) - set(DEFAULTS[modality])
        if unknown:
            raise TypeError(f'MaRC got unknown keys {sorted(unknown)}; known: '
                            f'{sorted(DEFAULTS[modality])}.')
        self.cfg = dict(DEFAULTS[modality], **overrides)
        self.baselines = tuple(baselines or self.adapter.default_baselines)
        self.layout = (WordChunks(max_length, overlap) if self.is_text
                       else ImageGrid(window, grid_stride, blur_sigma))

    # ----- one step --------------------------------------------------------------
    def _uniform(self, gens, shape, device):
        """Uniform numbers per position, drawn like the adapter's noise (for
        text: independent of the padding after a token)."""
        return torch.special.ndtr(self.adapter.sample_noise(gens, 1, shape, device)[:, 0])

    def _snap(self, lam, gens):
        """Set a random ``snap`` share of entries to 0 and another to 1."""
        share = self.cfg['snap']
        if not share:
            return lam
        u = self._uniform(gens, lam.shape[1:], lam.device)
        lam = torch.where(u < share, torch.zeros_like(lam), lam)
        return torch.where(u > 1 - share, torch.ones_like(lam), lam)

    def _inputs(self, rows, lam):
        """Kept and removed inputs ``(R, 2, n_baselines, *x.shape[1:])``."""
        x, base = rows.x[:, None], rows.baselines
        mask = self.adapter.positions_to_input(lam, rows.x)[:, None]
        kept, removed = mix(x, mask, base), mix(base, mask, x)
        if rows.fixed is not None:  # non-word tokens stay as they are
            keep = rows.fixed[:, None, :, None]
            kept, removed = torch.where(keep, x, kept), torch.where(keep, x, removed)
        both = torch.stack([kept, removed], 1)
        if self.cfg['noise']:
            copies = both.shape[1] * both.shape[2]
            noise = self.adapter.sample_noise(rows.gens, copies, x.shape[2:],
                                              x.device)
            both = both + self.cfg['noise'] * noise.view_as(both)
        return both

    def _probabilities(self, rows, both):
        """Target probabilities ``(R, 2, n_baselines)``, squeezed into
        ``[5e-6, 1 - 5e-6]`` as the reference."""
        rows_and_copies, k = both.shape[:3], both.shape[1] * both.shape[2]
        pm = self.adapter.repeat(rows.padding_mask, k)
        logits = self.adapter.forward(self.model, both.flatten(0, 2), pm)
        sw = self.cfg['sigmoid_weight']
        prob = (1 - sw) * logits.softmax(-1) + sw * logits.sigmoid()
        target = rows.targets.repeat_interleave(k)
        prob = prob.gather(1, target[:, None])[:, 0].view(rows_and_copies)
        return prob * 0.99999 + 0.000005

    def losses(self, rows, weights, widths):
        """Per-row loss ``(R,)`` and the row's mask over its parameter grid.

        Rows of one document (its chunks) share the classification terms,
        computed on their mean probabilities, so that the sum over rows is the
        sum of the documents' losses."""
        cfg = self.cfg
        lam_grid, lam = rows.to_positions(weights, widths)
        prob = self._probabilities(rows, self._inputs(rows, self._snap(
            lam, rows.gens)))
        per_owner = prob.new_zeros((rows.num_owners, ) + prob.shape[1:])
        per_owner.index_add_(0, rows.owner, prob)
        rows_per_owner = torch.bincount(rows.owner, minlength=rows.num_owners)
        mean_prob = (per_owner / rows_per_owner.clamp_min(1)[:, None, None])[rows.owner]
        share = 1 / rows_per_owner[rows.owner]
        classification = (-mean_prob[:, 0].log() - (1 - mean_prob[:, 1]).log()).mean(1)
        valid = rows.valid
        count = valid.flatten(1).sum(1)
        mean_mask = (lam_grid * valid).flatten(1).sum(1) / count
        loss = (share * classification + cfg['area_weight'] * mean_mask**2
                + cfg['width_weight'] * (-widths.log() * valid).flatten(1).sum(1) / count)
        if cfg['tv_weight']:
            loss = loss + cfg['tv_weight'] * total_variation(lam_grid)
        return loss, mean_mask.detach()

    # ----- stopping ----------------------------------------------------------------
    def _stop(self, state, mean_mask, step):
        """Rows whose stopping rule holds after ``step`` (0-based).

        The change of the mean mask is measured against its value
        ``check_every`` steps before (text), or as its exponential moving
        average (``ema``; images). A row stops when the change is below
        ``change_tolerance`` (or below ``loose_tolerance`` with a mean mask
        below ``loose_below``), after ``min_steps`` (or earlier with a mean
        below ``early_below``), and with a mean mask below ``max_mean_mask``.
        """
        cfg = self.cfg
        if cfg['ema'] is not None:
            change = (mean_mask - state['last']).abs()
            state['ema'] = change if state['ema'] is None else (
                cfg['ema'] * state['ema'] + (1 - cfg['ema']) * change)
            state['last'] = mean_mask
            change = state['ema']
        else:
            if step == 0 or step % cfg['check_every']:
                return torch.zeros_like(mean_mask, dtype=torch.bool)
            change = (mean_mask - state['last']).abs()
            state['last'] = mean_mask
        done = change < cfg['change_tolerance']
        if cfg['loose_tolerance'] is not None:
            done |= (change < cfg['loose_tolerance']) & (mean_mask < cfg['loose_below'])
        late = torch.full_like(done, step + 1 >= cfg['min_steps'])
        if cfg['early_below'] is not None:
            late |= mean_mask < cfg['early_below']
        if cfg['max_mean_mask'] is not None:
            done &= mean_mask < cfg['max_mean_mask']
        return done & late

    def optimise(self, rows):
        """Fit the masks of all rows; returns ``(mask over the parameter grid,
        mask per position, steps per row)``. A row's final mask is the one
        at the step where its rule held."""
        cfg = self.cfg
        shape = rows.valid.shape
        weights = torch.full(shape, float(cfg['init_weight']), device=rows.x.device,
                             requires_grad=True)
        widths = torch.full(shape, float(cfg['init_width']), device=rows.x.device,
                            requires_grad=True)
        opt = getattr(torch.optim, cfg['optimizer'])([weights, widths], lr=cfg['lr'])
        done = torch.zeros(shape[0], dtype=torch.bool, device=weights.device)
        steps = torch.full((shape[0], ), cfg['max_steps'], dtype=torch.long)
        state = dict(last=torch.ones(shape[0], device=weights.device), ema=None)
        for step in range(cfg['max_steps']):
            loss, mean_mask = self.losses(rows, weights, widths)
            if not torch.isfinite(loss).all():
                raise FloatingPointError(
                    f'MaRC loss is not finite at step {step}: lower lr '
                    f'({cfg["lr"]}) or raise min_width ({cfg["min_width"]}).')
            opt.zero_grad()
            loss.sum().backward()
            with torch.no_grad():
                newly = self._stop(state, mean_mask, step) & ~done
                steps[newly.cpu()] = step + 1
                done |= newly
                saved = weights.detach().clone(), widths.detach().clone()
            opt.step()
            with torch.no_grad():  # stopped rows keep their parameters
                widths.clamp_(min=cfg['min_width'])
                weights[done], widths[done] = saved[0][done], saved[1][done]
            if done.all():
                break
        with torch.no_grad():
            lam_grid, lam = rows.to_positions(weights, widths)
        return lam_grid, lam, steps

    # ----- entry point -------------------------------------------------------------
    @torch.no_grad()
    def predict(self, inputs, padding_mask=None, word_ids=None):
        """Logits; text: where a document is split into chunks (more than
        ``max_length`` word tokens), the log of its chunks' mean probabilities,
        the prediction that the loss explains, so that a document longer than
        the model still gets its target."""
        if not self.is_text:
            return super().predict(inputs, padding_mask)
        x = self.adapter.embed(self.model, inputs, padding_mask)
        b = x.shape[0]
        rows = self.layout.rows(AttributionBatch(inputs, x, inputs.new_zeros(b),
                                                 padding_mask, [0] * b, None),
                                self.cfg['width_exponent'], word_ids)
        logits = self.adapter.forward(self.model, rows.x, rows.padding_mask)
        if len(rows.owner) == b:  # no document was split
            return logits
        log_p = logits.float().log_softmax(-1)
        return torch.stack([
            torch.logsumexp(log_p[rows.owner == d], 0)
            - math.log(int((rows.owner == d).sum())) for d in range(b)])

    def explain(self, batch, word_ids=None):
        """Masks ``(B, H, W)`` or ``(B, L)``. Text only: ``word_ids`` ``(B, L)``
        (an argument of :meth:`attribute`) maps tokens to words (pieces of one
        word share its mask value; ``-1`` marks tokens that are never masked);
        None: every token is a word."""
        rows = self.layout.rows(batch, self.cfg['width_exponent'], word_ids)
        rows.baselines = torch.stack(
            [self.adapter.baseline_input(self.model, rows.x, kind,
                                         **self.layout.baseline_options)
             for kind in self.baselines], 1).detach()
        return self.layout.result(rows, *self.optimise(rows))
