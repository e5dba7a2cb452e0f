"""Insertion and deletion curves (Petsiuk et al., 2018; methods.md §6)."""
import numpy as np
import torch
from torchvision.transforms.functional import gaussian_blur

from input_iba.models.adapters.reference_inputs import reference_input
from input_iba.models.bottlenecks import smooth2d
from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from ..ranking import order_ranks, pixel_order


def path_counts(num_positions, per_step):
    """Positions changed at each point of a curve: 0, per_step, ..., all."""
    return torch.tensor(list(range(0, num_positions, per_step)) + [num_positions])


def path_inputs(start, end, rank, counts):
    """Input ``j`` takes the positions of rank below ``counts[j]`` from
    ``end``, the others from ``start``; ``rank`` is broadcast like the input
    (one stack, built where the tensors are)."""
    changed = rank[None] < counts.to(rank.device).view(-1, *[1] * rank.dim())
    return torch.where(changed, end, start)


def auc(fractions, scores):
    """Area under ``scores`` over ``fractions`` (trapezoid rule)."""
    return float(np.trapezoid(np.asarray(scores), np.asarray(fractions)))


def reference_auc(scores):
    """The InputIBA reference's area: the trapezoid rule over the scores
    taken after each step, spaced ``1 / len(scores)`` apart (no point for
    the unchanged input)."""
    return float(np.trapezoid(np.asarray(scores), dx=1.0 / len(scores)))


PROTOCOLS = ('project', 'reference')


@EVALUATORS.register_module()
class InsertionDeletion(MaskEvaluator):
    """Deletion: remove the most important pixels first, replacing them by
    ``baseline`` (0 in normalised space); insertion: reveal them first on a
    blurred copy (Gaussian, ``blur_sigma``; ``insertion_from='baseline'``
    starts from the baseline instead). The score is the target's softmax
    probability; AUCs over the fraction of pixels changed. High insertion and
    low deletion are good. With a text adapter the positions are tokens
    (their embedding set to ``baseline``, 0: the padding embedding of our
    LSTMs; ``'pad'``: the model's padding embedding, e.g. for a transformer)
    and the defaults change to one token per step and insertion on an
    all-baseline document. On tokenised text the positions are the words of
    the word-level masks: all pieces of a word change together and the
    special tokens never change.

    Args:
        pixels_per_step: positions changed between two forward passes
            (default 224 pixels, which gives 225 images per curve at
            224x224; 1 token or word).
        baseline: a number (in normalised space) or a kind of the adapter's
            baselines (``'pad'``, ``'black'``, ...).
        insertion_from: ``'blur'`` (images) or ``'baseline'`` (text).
        protocol: ``'project'`` (default) as above; ``'reference'`` the
            InputIBA reference's image protocol (its
            ``VisionInsertionDeletion``), which the paper's numbers use:
            10 pixels per step, insertion from torchvision's Gaussian blur
            with kernel ``int(2 * blur_sigma - 1)`` (9 px at sigma 5) and
            reflect padding, deletion to 0, curves that start after the
            first step and an area of ``1 / len(curve)`` per point
            (:func:`reference_auc`). The reference appends one tensor that
            it keeps changing, so each of its batches of 80 inputs is scored
            80 times at the batch's last state; here each point is its own
            state (that aliasing bug is fixed). ``pixels_per_step`` may be
            raised to save forward passes (docs/evaluation.md gives the
            difference it makes).
    """
    name = 'insertion_deletion'
    summary_keys = ('insertion_auc', 'deletion_auc', 'difference')
    columns = (('insertion_auc', 'insertion AUC', True),
               ('deletion_auc', 'deletion AUC', False))
    curve = dict(x='fractions', ys=[('insertion', 'insertion'), ('deletion', 'deletion')],
                 x_label='fraction of positions', y_label='target probability')

    def __init__(self, model, adapter=dict(type='ImageAdapter'), batch_size=64,
                 pixels_per_step=None, baseline=0.0, blur_sigma=5.0,
                 insertion_from=None, protocol='project'):
        super().__init__(model, adapter, batch_size)
        if protocol not in PROTOCOLS:
            raise ValueError(f'protocol must be one of {PROTOCOLS}, got {protocol!r}.')
        if protocol == 'reference':
            if self.adapter.modality == 'text':
                raise ValueError("protocol='reference' is the InputIBA reference's image "
                                 "protocol; use protocol='project' for text.")
            if insertion_from not in (None, 'blur') or baseline != 0.0:
                raise ValueError("protocol='reference' inserts from the blur and deletes "
                                 'to 0; leave insertion_from and baseline unset.')
            pixels_per_step = pixels_per_step or 10
        self.protocol = protocol
        pixels_per_step = self.by_modality(pixels_per_step, image=224, text=1)
        insertion_from = self.by_modality(insertion_from, image='blur', text='baseline')
        if insertion_from not in ('blur', 'baseline'):
            raise ValueError("insertion_from must be 'blur' or 'baseline', got "
                             f'{insertion_from!r}.')
        self.insertion_from = insertion_from
        self.pixels_per_step = pixels_per_step
        self.baseline = baseline
        self.blur_sigma = blur_sigma

    def curves(self, x, mask, target, word_ids=None):
        """Fractions changed and the insertion and deletion curves of one
        input ``x``; the perturbed inputs are built ``batch_size`` at a time
        on the model's device, each batch one forward pass. Tokenised text
        (``word_ids``): ``mask`` has one value per word, all of a word's
        tokens change together and tokens of no word never change; a document
        longer than the model is scored on its chunks (:meth:`chunks`)."""
        x = x.to(self.device)
        rank = self.position_expander(x, mask.shape, word_ids, fill=mask.size)(
            order_ranks(pixel_order(mask)).to(self.device))
        # a position whose rank is never reached (a special token) stays
        base = reference_input(self.adapter, self.model, x[None], self.baseline)[0]
        removed = torch.where(rank < mask.size, base, x)
        counts = path_counts(mask.size, self.pixels_per_step)
        if self.protocol == 'reference':
            size = int(2 * self.blur_sigma - 1)
            start = gaussian_blur(x, [size, size], [self.blur_sigma, self.blur_sigma])
            counts = counts[1:]
        elif self.insertion_from == 'blur':
            start = smooth2d(x[None], self.blur_sigma)[0]
        else:
            start = removed
        chunks = self.chunks(word_ids)

        def scores(begin, end):
            return self.target_scores(
                (path_inputs(begin, end, rank, part)
                 for part in torch.split(counts, self.batch_size)), target,
                chunks=chunks).numpy()

        return (counts.double().numpy() / mask.size, scores(start, x),
                scores(x, removed))

    def evaluate_sample(self, item, mask, target):
        fractions, ins, dele = self.curves(self.embed(item), mask, target,
                                           item.get('word_ids'))
        if self.protocol == 'reference':
            ins_auc, del_auc = reference_auc(ins), reference_auc(dele)
        else:
            ins_auc, del_auc = auc(fractions, ins), auc(fractions, dele)
        return dict(target=target, insertion_auc=ins_auc, deletion_auc=del_auc,
                    difference=ins_auc - del_auc, fractions=fractions.tolist(),
                    insertion=ins.tolist(), deletion=dele.tolist())
