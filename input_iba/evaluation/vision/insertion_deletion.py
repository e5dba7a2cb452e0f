"""Insertion and deletion curves (Petsiuk et al., 2018; methods.md §6)."""
import numpy as np
import torch

from input_iba.models.bottlenecks import smooth2d
from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator


def pixel_order(mask):
    """Flat pixel indices from the highest to the lowest attribution (ties:
    lower index first, so the order is reproducible)."""
    flat = torch.as_tensor(np.ascontiguousarray(mask), dtype=torch.float64).flatten()
    return torch.sort(-flat, stable=True).indices


def perturbation_path(start, end, order, per_step, expand):
    """Inputs that move ``start`` to ``end`` along ``order`` (flat position
    indices): input k takes the first ``k * per_step`` positions from
    ``end``. ``expand(values)`` broadcasts per-position values (shaped like
    the mask) over the input (e.g. over colour channels or the embedding
    dimension). Returns the stack of inputs and the fraction changed."""
    n = order.numel()
    counts = list(range(0, n, per_step)) + [n]
    rank = torch.empty(n, dtype=torch.long)
    rank[order] = torch.arange(n)
    rank = expand(rank)
    images = torch.stack([torch.where(rank < k, end, start) for k in counts])
    return images, torch.tensor(counts, dtype=torch.float64) / n


def auc(fractions, scores):
    """Area under ``scores`` over ``fractions`` (trapezoid rule)."""
    return float(np.trapezoid(np.asarray(scores), np.asarray(fractions)))


@EVALUATORS.register_module()
class InsertionDeletion(MaskEvaluator):
    """Deletion: remove the most important pixels first, replacing them by
    ``baseline`` (0 in normalised space); insertion: reveal them first on a
    blurred copy (Gaussian, ``blur_sigma``; ``insertion_from='baseline'``
    starts from the baseline instead). The score is the target's softmax
    probability; AUCs over the fraction of pixels changed. High insertion and
    low deletion are good.

    Args:
        pixels_per_step: pixels changed between two forward passes (224 gives
            225 images per curve at 224x224).
    """
    name = 'insertion_deletion'
    summary_keys = ('insertion_auc', 'deletion_auc', 'difference')

    def __init__(self, model, adapter=dict(type='ImageAdapter'), batch_size=64,
                 pixels_per_step=224, baseline=0.0, blur_sigma=5.0,
                 insertion_from='blur'):
        super().__init__(model, adapter, batch_size)
        if insertion_from not in ('blur', 'baseline'):
            raise ValueError("insertion_from must be 'blur' or 'baseline', got "
                             f'{insertion_from!r}.')
        self.insertion_from = insertion_from
        self.pixels_per_step = pixels_per_step
        self.baseline = baseline
        self.blur_sigma = blur_sigma

    def curves(self, x, mask, target):
        order = pixel_order(mask)
        removed = torch.full_like(x, self.baseline)
        expand = self.position_expander(x, mask.shape)
        start = (smooth2d(x[None], self.blur_sigma)[0]
                 if self.insertion_from == 'blur' else removed)
        del_images, fractions = perturbation_path(x, removed, order,
                                                  self.pixels_per_step, expand)
        ins_images, _ = perturbation_path(start, x, order, self.pixels_per_step,
                                          expand)
        return (fractions.numpy(), self.probabilities(ins_images, target).numpy(),
                self.probabilities(del_images, target).numpy())

    def evaluate_sample(self, item, mask, target):
        fractions, ins, dele = self.curves(self.embed(item), mask, target)
        ins_auc, del_auc = auc(fractions, ins), auc(fractions, dele)
        return dict(target=target, insertion_auc=ins_auc, deletion_auc=del_auc,
                    difference=ins_auc - del_auc, fractions=fractions.tolist(),
                    insertion=ins.tolist(), deletion=dele.tolist())
