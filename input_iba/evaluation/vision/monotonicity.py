"""Monotonicity (Arya et al., 2019; as Quantus's ``Monotonicity``)."""
import numpy as np
import torch

from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .insertion_deletion import order_ranks, path_counts, path_inputs, pixel_order


@EVALUATORS.register_module()
class Monotonicity(MaskEvaluator):
    """Starting from ``baseline``, the input's positions are revealed from
    the *least* to the most relevant, ``positions_per_step`` at a time; a
    faithful map makes the target's softmax probability rise at every step.
    ``monotonicity`` is the share of steps whose probability does not fall
    (Quantus reports only ``monotonic``: whether all steps do). Tokenised
    text: the positions are words and special tokens are always there."""
    name = 'monotonicity'
    summary_keys = ('monotonicity', 'monotonic')
    columns = (('monotonicity', 'monotonicity', True), )
    curve = dict(x='fractions', ys=[('scores', 'least relevant first')],
                 x_label='fraction revealed', y_label='target probability')

    def __init__(self, model, positions_per_step=224, baseline=0.0, **kwargs):
        super().__init__(model, **kwargs)
        self.positions_per_step, self.baseline = positions_per_step, baseline

    def evaluate_sample(self, item, mask, target):
        x = self.embed(item).to(self.device)
        num = int(np.prod(mask.shape))
        word_ids = item.get('word_ids')
        rank = self.position_expander(x, mask.shape, word_ids, fill=num)(
            order_ranks(pixel_order(-np.asarray(mask))).to(self.device))
        counts = path_counts(num, self.positions_per_step)
        start = torch.where(rank < num, x.new_full(x.shape, self.baseline), x)
        scores = self.target_scores(
            (path_inputs(start, x, rank, part)
             for part in torch.split(counts, self.batch_size)),
            target, chunks=self.chunks(word_ids)).numpy()
        steps = np.diff(scores)
        return dict(target=target, fractions=(counts.numpy() / num).tolist(),
                    scores=scores.tolist(), monotonicity=float((steps >= 0).mean()),
                    monotonic=float((steps >= 0).all()))
