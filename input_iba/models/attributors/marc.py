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

Memory of the kernel sums. Text: a dense ``(words x words)`` kernel per
chunk (1 MB for 510 words). Images: only a ``(2r + 1)``-pixel window around
each cell counts (``window = 41``: ``r = 20``), summed one row of window
offsets at a time and recomputed in the backward pass (checkpointing), so
the largest temporaries hold ``41 x 224 x 224`` floats (8.2 MB; the peak
of forward and backward measured 114 MB per image, whatever the number of
baselines) instead of
the ``41 x 41 x 224 x 224`` (337 MB) of a full unfold or the
``(224 x 224)^2`` (10 GB) of a dense kernel. Compute: the kernel factorises,
so 2.9 M exponentials and ``41^2 x 224^2 = 84 M`` multiply-adds per forward
pass at ``grid_stride=1`` (4 s forward + backward on one loaded CPU core);
``grid_stride=4`` gives a 56 x 56 grid with an 11-cell window: 0.4 M.
"""
import math
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from input_iba.models.bottlenecks import mix
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import make_generators, sample_seed

from .base import AttributionResult, BaseAttributor

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


def gaussian_mask_1d(weights, widths, exponent=2):
    """``(B, L)`` weights and widths -> ``(B, L)`` mask logits
    ``sum_i w_i exp(-(i - j)^2 / s_i^exponent)``."""
    pos = torch.arange(weights.shape[1], device=weights.device, dtype=weights.dtype)
    dist2 = (pos[:, None] - pos[None, :])**2  # (source i, target j)
    kernel = torch.exp(-dist2[None] / widths[..., None]**exponent)
    return torch.einsum('bi,bij->bj', weights, kernel)


def _window_row(weighted, column_kernel, k):
    """Sum over the column offsets of one row of window offsets:
    ``weighted`` holds ``w_i exp(-dy^2 / s_i)`` of the row's sources,
    ``column_kernel[..., x, t]`` the factor ``exp(-dx^2 / s_i)`` of the
    source ``t`` columns right of the window's left edge."""
    h = column_kernel.shape[1]
    return (weighted[:, :h].unfold(2, k, 1) * column_kernel).sum(-1)


def gaussian_mask_2d(weights, widths, radius, exponent=2):
    """``(B, h, w)`` weights and widths -> ``(B, h, w)`` mask logits: each
    cell sums the kernels of the sources in the ``(2 radius + 1)^2`` window
    around it; sources beyond the border repeat the border's parameters (as
    the reference).

    The kernel factorises per source, ``exp(-(dy^2 + dx^2) / s) =
    exp(-dy^2 / s) exp(-dx^2 / s)``, so only ``(2 radius + 1) h w``
    exponentials are taken; the window is summed one row of offsets at a
    time and recomputed in the backward pass: memory ``O((2 radius + 1) h w)``.
    """
    b, h, w = weights.shape
    k = 2 * radius + 1
    pad = (radius, ) * 4
    w_pad = F.pad(weights[:, None], pad, mode='replicate')[:, 0]
    s_pad = F.pad(widths[:, None], pad, mode='replicate')[:, 0]**exponent
    off = torch.arange(-radius, radius + 1, device=weights.device, dtype=weights.dtype)
    factor = torch.exp(-off.view(1, k, 1, 1)**2 / s_pad[:, None])  # (B, k, h+2r, w+2r)
    # column_kernel[b, Y, x, t] = factor[b, t, Y, x + t]
    cols = (torch.arange(w, device=weights.device)[:, None]
            + torch.arange(k, device=weights.device)[None])
    column_kernel = factor.permute(0, 2, 3, 1).gather(
        2, cols.expand(b, h + 2 * radius, w, k))
    logits = 0
    for row in range(k):
        weighted = (w_pad * factor[:, row])[:, row:]
        kernel = column_kernel[:, row:row + h]
        logits = logits + (checkpoint(_window_row, weighted, kernel, k, use_reentrant=False)
                           if torch.is_grad_enabled() else _window_row(weighted, kernel, k))
    return logits


def total_variation(lam):
    """Mean over cells of the squared differences to the right, lower and
    both diagonal neighbours (each of the 8 neighbour pairs once)."""
    pairs = [(lam[:, :, 1:], lam[:, :, :-1]), (lam[:, 1:], lam[:, :-1]),
             (lam[:, 1:, 1:], lam[:, :-1, :-1]), (lam[:, 1:, :-1], lam[:, :-1, 1:])]
    return sum((a - b).square().flatten(1).sum(1) for a, b in pairs) / lam[0].numel()


def word_chunks(token_counts, max_length, overlap):
    """Split words (their token counts) into ``(first, end)`` word ranges of
    at most ``max_length`` tokens; each range starts where the last
    ``overlap`` tokens of the previous one begin (word-aligned)."""
    n = len(token_counts)
    if not max_length or sum(token_counts) <= max_length:
        return [(0, n)]
    chunks, start = [], 0
    while True:
        end, tokens = start, 0
        while end < n and tokens + token_counts[end] <= max_length:
            tokens += token_counts[end]
            end += 1
        if end == start:
            raise ValueError(f'Word {start} has {token_counts[start]} tokens, more '
                             f'than max_length={max_length}: raise max_length.')
        chunks.append((start, end))
        if end == n:
            return chunks
        back, nxt = 0, end
        while nxt > start + 1 and back + token_counts[nxt - 1] <= overlap:
            back += token_counts[nxt - 1]
            nxt -= 1
        start = nxt


def blend_chunks(chunks, masks, num_words):
    """Join per-chunk word masks into one: where consecutive chunks overlap,
    the weight moves linearly from the earlier chunk to the later one."""
    total = torch.zeros(num_words)
    weight = torch.zeros(num_words)
    for c, ((first, end), mask) in enumerate(zip(chunks, masks)):
        ramp = torch.ones(end - first)
        if c > 0 and chunks[c - 1][1] > first:  # rise over the previous overlap
            n = chunks[c - 1][1] - first
            ramp[:n] = torch.arange(1, n + 1) / (n + 1)
        if c + 1 < len(chunks) and chunks[c + 1][0] < end:  # fall into the next
            n = end - chunks[c + 1][0]
            ramp[-n:] = torch.minimum(ramp[-n:], torch.arange(n, 0, -1) / (n + 1))
        total[first:end] += ramp * mask.cpu()
        weight[first:end] += ramp
    return total / weight


def _word_index(word_ids):
    """Word ids of one document's tokens (``-1``: not a word) -> local word
    index per token (``-1`` kept) and each word's token count."""
    is_word = word_ids >= 0
    ids = word_ids[is_word]
    starts = torch.ones_like(ids, dtype=torch.bool)
    starts[1:] = ids[1:] != ids[:-1]
    local = torch.full_like(word_ids, -1)
    local[is_word] = starts.cumsum(0) - 1
    if len(set(ids[starts].tolist())) != int(starts.sum()):
        raise ValueError('The tokens of a word must be contiguous in word_ids.')
    return local, torch.bincount(local[is_word]).tolist()


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
        if self.adapter.modality not in ('text', 'image'):
            raise TypeError(f'MaRC needs a text or image adapter, got '
                            f'{type(self.adapter).__name__}.')
        self.is_text = self.adapter.modality == 'text'
        defaults = TEXT_DEFAULTS if self.is_text else IMAGE_DEFAULTS
        unknown = set(overrides) - set(defaults)
        if unknown:
            raise TypeError(f'MaRC got unknown keys {sorted(unknown)}; known: '
                            f'{sorted(defaults)}.')
        self.cfg = dict(defaults, **overrides)
        self.baselines = tuple(baselines or self.adapter.default_baselines)
        self.blur_sigma = blur_sigma
        self.window, self.grid_stride = window, grid_stride
        self.max_length, self.overlap = max_length, overlap

    # ----- the problem: rows (samples or chunks) with their parameters -------
    def _baselines(self, x):
        """``(B, n_baselines, *x.shape[1:])``."""
        options = {} if self.is_text else dict(blur_sigma=self.blur_sigma)
        return torch.stack([self.adapter.baseline_input(self.model, x, kind, **options)
                            for kind in self.baselines], 1).detach()

    def _image_problem(self, x, targets, seeds):
        stride = self.grid_stride
        grid = tuple(math.ceil(s / stride) for s in x.shape[-2:])
        radius = max(1, (self.window // 2) // stride)
        exponent = self.cfg['width_exponent']

        def to_positions(weights, widths):
            lam_grid = torch.sigmoid(gaussian_mask_2d(weights, widths, radius, exponent))
            lam = lam_grid if stride == 1 else F.interpolate(
                lam_grid[:, None], size=x.shape[-2:], mode='bilinear',
                align_corners=False)[:, 0]
            return lam_grid, lam

        b = x.shape[0]
        return SimpleNamespace(
            x=x, baselines=self._baselines(x), targets=targets, padding_mask=None,
            fixed=None, owner=torch.arange(b, device=x.device), num_owners=b,
            valid=x.new_ones((b, ) + grid), to_positions=to_positions,
            gens=make_generators(seeds, x.device))

    def _text_problem(self, x, targets, seeds, padding_mask, word_ids):
        """Rows = chunks of documents; tokens of a row: the document's leading
        non-word tokens, the chunk's tokens, the trailing non-word tokens."""
        rows = []  # (doc, token indices, local word per token, words, seed)
        layout = []  # per doc: (local word per token, chunks)
        for d in range(x.shape[0]):
            length = int(padding_mask[d].sum())
            ids = (torch.arange(length, device=x.device) if word_ids is None
                   else word_ids[d, :length].to(x.device))
            local, counts = _word_index(ids)
            if not counts:
                raise ValueError(f'Sample {d} has no word tokens to mask.')
            word_tok = (local >= 0).nonzero()[:, 0]
            lead = torch.arange(int(word_tok[0]), device=x.device)
            trail = torch.arange(int(word_tok[-1]) + 1, length, device=x.device)
            chunks = word_chunks(counts, self.max_length, self.overlap)
            layout.append((local, chunks))
            for c, (first, end) in enumerate(chunks):
                inside = ((local >= first) & (local < end)).nonzero()[:, 0]
                body = torch.arange(int(inside[0]), int(inside[-1]) + 1, device=x.device)
                tokens = torch.cat([lead, body, trail])
                row_word = torch.where(local[tokens] >= 0, local[tokens] - first,
                                       torch.full_like(tokens, -1))
                seed = seeds[d] if c == 0 else sample_seed(seeds[d], f'chunk{c}')
                rows.append((d, tokens, row_word, end - first, seed))
        longest = max(len(r[1]) for r in rows)
        most_words = max(r[3] for r in rows)
        n = len(rows)
        xs = x.new_zeros(n, longest, x.shape[-1])
        pm = torch.zeros(n, longest, dtype=torch.bool, device=x.device)
        tok_word = torch.full((n, longest), -1, dtype=torch.long, device=x.device)
        valid = x.new_zeros(n, most_words)
        for i, (d, tokens, row_word, words, _) in enumerate(rows):
            xs[i, :len(tokens)], pm[i, :len(tokens)] = x[d, tokens], True
            tok_word[i, :len(tokens)] = row_word
            valid[i, :words] = 1
        exponent = self.cfg['width_exponent']

        def to_positions(weights, widths):
            lam_words = torch.sigmoid(gaussian_mask_1d(weights * valid, widths, exponent))
            return lam_words, lam_words.gather(1, tok_word.clamp_min(0))

        owner = torch.tensor([r[0] for r in rows], device=x.device)
        return SimpleNamespace(
            x=xs, baselines=self._baselines(xs), targets=targets[owner],
            padding_mask=pm, fixed=tok_word < 0, owner=owner, num_owners=x.shape[0],
            valid=valid, to_positions=to_positions, layout=layout,
            gens=make_generators([r[4] for r in rows], x.device))

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

    def _inputs(self, problem, lam):
        """Kept and removed inputs ``(R, 2, n_baselines, *x.shape[1:])``."""
        x, base = problem.x[:, None], problem.baselines
        mask = self.adapter.positions_to_input(lam, problem.x)[:, None]
        kept, removed = mix(x, mask, base), mix(base, mask, x)
        if problem.fixed is not None:  # non-word tokens stay as they are
            keep = problem.fixed[:, None, :, None]
            kept, removed = torch.where(keep, x, kept), torch.where(keep, x, removed)
        both = torch.stack([kept, removed], 1)
        if self.cfg['noise']:
            copies = both.shape[1] * both.shape[2]
            noise = self.adapter.sample_noise(problem.gens, copies, x.shape[2:],
                                              x.device)
            both = both + self.cfg['noise'] * noise.view_as(both)
        return both

    def _probabilities(self, problem, both):
        """Target probabilities ``(R, 2, n_baselines)``, squeezed into
        ``[5e-6, 1 - 5e-6]`` as the reference."""
        rows_and_copies, k = both.shape[:3], both.shape[1] * both.shape[2]
        pm = self.adapter.repeat(problem.padding_mask, k)
        logits = self.adapter.forward(self.model, both.flatten(0, 2), pm)
        sw = self.cfg['sigmoid_weight']
        prob = (1 - sw) * logits.softmax(-1) + sw * logits.sigmoid()
        target = problem.targets.repeat_interleave(k)
        prob = prob.gather(1, target[:, None])[:, 0].view(rows_and_copies)
        return prob * 0.99999 + 0.000005

    def losses(self, problem, weights, widths):
        """Per-row loss ``(R,)`` and the row's mask over its parameter grid.

        Rows of one document (its chunks) share the classification terms,
        computed on their mean probabilities, so that the sum over rows is the
        sum of the documents' losses."""
        cfg = self.cfg
        lam_grid, lam = problem.to_positions(weights, widths)
        prob = self._probabilities(problem, self._inputs(problem, self._snap(
            lam, problem.gens)))
        per_owner = prob.new_zeros((problem.num_owners, ) + prob.shape[1:])
        per_owner.index_add_(0, problem.owner, prob)
        rows_per_owner = torch.bincount(problem.owner, minlength=problem.num_owners)
        mean_prob = (per_owner / rows_per_owner.clamp_min(1)[:, None, None])[problem.owner]
        share = 1 / rows_per_owner[problem.owner]
        classification = (-mean_prob[:, 0].log() - (1 - mean_prob[:, 1]).log()).mean(1)
        valid = problem.valid
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

    def optimise(self, problem):
        """Fit the masks of all rows; returns ``(mask over the parameter grid,
        mask per position, steps per row)``. A row's final mask is the one
        at the step where its rule held."""
        cfg = self.cfg
        shape = problem.valid.shape
        weights = torch.full(shape, float(cfg['init_weight']), device=problem.x.device,
                             requires_grad=True)
        widths = torch.full(shape, float(cfg['init_width']), device=problem.x.device,
                            requires_grad=True)
        opt = getattr(torch.optim, cfg['optimizer'])([weights, widths], lr=cfg['lr'])
        done = torch.zeros(shape[0], dtype=torch.bool, device=weights.device)
        steps = torch.full((shape[0], ), cfg['max_steps'], dtype=torch.long)
        state = dict(last=torch.ones(shape[0], device=weights.device), ema=None)
        for step in range(cfg['max_steps']):
            loss, mean_mask = self.losses(problem, weights, widths)
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
            lam_grid, lam = problem.to_positions(weights, widths)
        return lam_grid, lam, steps

    # ----- entry point -------------------------------------------------------------
    def explain(self, batch, word_ids=None):
        """Masks ``(B, H, W)`` or ``(B, L)``. Text only: ``word_ids`` ``(B, L)``
        (an argument of :meth:`attribute`) maps tokens to words (pieces of one
        word share its mask value; ``-1`` marks tokens that are never masked);
        None: every token is a word."""
        x, targets, padding_mask, seeds = batch.x, batch.targets, batch.padding_mask, batch.seeds
        if not self.is_text:
            lam_grid, lam, steps = self.optimise(self._image_problem(x, targets, seeds))
            return AttributionResult(
                input_masks=lam.float().cpu(),
                meta=dict(steps=steps.float(), mean_mask=lam_grid.flatten(1).mean(1).cpu()))
        padding_mask = (torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
                        if padding_mask is None else padding_mask)
        problem = self._text_problem(x, targets, seeds, padding_mask, word_ids)
        lam_words, _, steps = self.optimise(problem)
        masks = torch.zeros(x.shape[:2])
        doc_steps = torch.zeros(x.shape[0])
        row = 0
        for d, (local, chunks) in enumerate(problem.layout):
            words = blend_chunks(chunks, [lam_words[row + c, :end - first]
                                          for c, (first, end) in enumerate(chunks)],
                                 chunks[-1][1])
            is_word = (local >= 0).cpu()
            masks[d, :len(local)][is_word] = words[local.cpu()[is_word]]
            doc_steps[d] = steps[row:row + len(chunks)].max()
            row += len(chunks)
        return AttributionResult(input_masks=masks, meta=dict(
            steps=doc_steps, chunks=torch.tensor([float(len(c)) for _, c in problem.layout])))
