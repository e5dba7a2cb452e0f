"""Where MaRC's mask parameters live, chosen by the adapter's modality: a
grid of cells over each image (:class:`ImageGrid`), or the words of each
document, split into overlapping chunks when it is long
(:class:`WordChunks`). A layout turns a batch into rows to optimise
(:class:`MaskRows`) and the rows' masks back into one result per sample."""
import math
from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from input_iba.utils import make_generators, sample_seed
from input_iba.utils.words import blend_chunks, document_chunks

from ..base import AttributionResult
from .gaussian_kernels import gaussian_mask_1d, gaussian_mask_2d


@dataclass
class MaskRows:
    """Rows (images, or chunks of documents) whose masks are fitted together.

    ``owner``: the sample of each row; ``fixed``: positions never masked
    (None: none); ``valid``: ``(R, *grid)``, 1 where a row has a parameter;
    ``to_positions(weights, widths)`` -> (mask over the parameter grid,
    mask per input position); ``gens``: one generator per row."""
    x: torch.Tensor
    targets: torch.Tensor
    padding_mask: Optional[torch.Tensor]
    fixed: Optional[torch.Tensor]
    owner: torch.Tensor
    num_owners: int
    valid: torch.Tensor
    to_positions: Callable
    gens: list
    baselines: Optional[torch.Tensor] = None
    chunks: Optional[list] = None  # text: per sample (word per token, chunks)
    length: Optional[int] = None  # text: tokens per sample, padding included


class ImageGrid:
    """One row per image, one parameter per ``grid_stride`` pixels; kernels
    count within ``window`` pixels; coarse grids are upsampled bilinearly."""

    def __init__(self, window, grid_stride, blur_sigma):
        self.window, self.grid_stride = window, grid_stride
        self.baseline_options = dict(blur_sigma=blur_sigma)

    def rows(self, batch, exponent, word_ids=None):
        x, stride = batch.x, self.grid_stride
        grid = tuple(math.ceil(s / stride) for s in x.shape[-2:])
        radius = max(1, (self.window // 2) // stride)

        def to_positions(weights, widths):
            lam_grid = torch.sigmoid(gaussian_mask_2d(weights, widths, radius, exponent))
            lam = lam_grid if stride == 1 else F.interpolate(
                lam_grid[:, None], size=x.shape[-2:], mode='bilinear',
                align_corners=False)[:, 0]
            return lam_grid, lam

        b = x.shape[0]
        return MaskRows(x=x, targets=batch.targets, padding_mask=None, fixed=None,
                        owner=torch.arange(b, device=x.device), num_owners=b,
                        valid=x.new_ones((b, ) + grid), to_positions=to_positions,
                        gens=make_generators(batch.seeds, x.device))

    @staticmethod
    def result(rows, lam_grid, lam, steps):
        """Masks ``(B, H, W)``; meta: steps and mean mask per image."""
        return AttributionResult(input_masks=lam.float().cpu(), meta=dict(
            steps=steps.float(), mean_mask=lam_grid.flatten(1).mean(1).cpu()))


class WordChunks:
    """One parameter per word; documents of more than ``max_length`` word
    tokens become several rows (chunks overlapping by about ``overlap``
    tokens), each with its own mask, blended over the overlaps. A row holds
    the document's leading non-word tokens, the chunk's tokens and the
    trailing non-word tokens; non-word tokens are never masked."""

    baseline_options = {}

    def __init__(self, max_length, overlap):
        self.max_length, self.overlap = max_length, overlap

    def rows(self, batch, exponent, word_ids=None):
        x, seeds = batch.x, batch.seeds
        padding_mask = (torch.ones(x.shape[:2], dtype=torch.bool, device=x.device)
                        if batch.padding_mask is None else batch.padding_mask)
        rows = []  # (doc, token indices, row word per token, words, seed)
        layout = []  # per doc: (word per token, chunks)
        for d in range(x.shape[0]):
            length = int(padding_mask[d].sum())
            ids = (torch.arange(length, device=x.device) if word_ids is None
                   else word_ids[d, :length].to(x.device))
            try:
                chunks, chunk_tokens = document_chunks(ids, self.max_length, self.overlap)
            except ValueError as err:
                raise ValueError(f'Sample {d}: {err}') from err
            layout.append((ids, chunks))
            for c, ((first, end), tokens) in enumerate(zip(chunks, chunk_tokens)):
                row_word = torch.where(ids[tokens] >= 0, ids[tokens] - first,
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

        def to_positions(weights, widths):
            lam_words = torch.sigmoid(gaussian_mask_1d(weights * valid, widths, exponent))
            return lam_words, lam_words.gather(1, tok_word.clamp_min(0))

        owner = torch.tensor([r[0] for r in rows], device=x.device)
        return MaskRows(x=xs, targets=batch.targets[owner], padding_mask=pm,
                        fixed=tok_word < 0, owner=owner, num_owners=x.shape[0],
                        valid=valid, to_positions=to_positions,
                        gens=make_generators([r[4] for r in rows], x.device),
                        chunks=layout, length=x.shape[1])

    @staticmethod
    def result(rows, lam_words, lam, steps):
        """Masks ``(B, L)`` (0 on non-word tokens and padding); meta: steps
        (the most of a document's chunks) and chunks per document."""
        num_docs = rows.num_owners
        masks = torch.zeros(num_docs, rows.length)
        doc_steps = torch.zeros(num_docs)
        row = 0
        for d, (ids, chunks) in enumerate(rows.chunks):
            words = blend_chunks(chunks, [lam_words[row + c, :end - first]
                                          for c, (first, end) in enumerate(chunks)],
                                 chunks[-1][1])
            is_word = (ids >= 0).cpu()
            masks[d, :len(ids)][is_word] = words[ids.cpu()[is_word]]
            doc_steps[d] = steps[row:row + len(chunks)].max()
            row += len(chunks)
        return AttributionResult(input_masks=masks, meta=dict(
            steps=doc_steps, chunks=torch.tensor([float(len(c)) for _, c in rows.chunks])))
