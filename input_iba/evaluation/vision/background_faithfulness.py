"""Comprehensiveness and sufficiency of image masks over several
backgrounds (the image evaluation of MaRC, Brinner & Zarriess, 2023)."""
import numpy as np
import torch

from input_iba.models.adapters.reference_inputs import reference_inputs
from input_iba.registry import EVALUATORS

from ..base import MaskEvaluator
from .insertion_deletion import order_ranks, pixel_order


@EVALUATORS.register_module()
class BackgroundFaithfulness(MaskEvaluator):
    """For each fraction ``k`` of the pixels, ranked by the mask, and each
    background ``b`` (adapter kinds: black, white, the mean image, a blurred
    copy): comprehensiveness ``p(x) - p(top k replaced by b)`` and
    sufficiency ``p(x) - p(only the top k kept, the rest b)``, ``p`` the
    target's softmax probability; each averaged over fractions and
    backgrounds (per background too). High comprehensiveness and low
    sufficiency are good. All ``2 x backgrounds x fractions`` images of a
    sample go through the model ``batch_size`` at a time."""
    name = 'background_faithfulness'
    modalities = ('image', )  # black, white, mean and blurred image backgrounds
    summary_keys = ('comprehensiveness', 'sufficiency')
    columns = (('comprehensiveness', 'comprehensiveness (bg)', True),
               ('sufficiency', 'sufficiency (bg)', False))

    def __init__(self, model, fractions=(0.05, 0.1, 0.2, 0.5),
                 backgrounds=('black', 'white', 'mean', 'blur'), blur_sigma=20.0,
                 **kwargs):
        super().__init__(model, **kwargs)
        self.fractions, self.backgrounds = tuple(fractions), tuple(backgrounds)
        self.blur_sigma = blur_sigma

    def evaluate_sample(self, item, mask, target):
        x = self.embed(item).to(self.device)
        num = int(np.prod(mask.shape))
        rank = self.position_expander(x, mask.shape)(
            order_ranks(pixel_order(mask)).to(self.device))
        backs = reference_inputs(self.adapter, self.model, x[None], self.backgrounds,
                                 self.blur_sigma)[0]  # (n_backgrounds, *x.shape)
        top = torch.stack([rank < int(round(f * num)) for f in self.fractions])
        top = top[None]  # (1, n_fractions, *x.shape)
        removed = torch.where(top, backs[:, None], x)
        kept = torch.where(top, x, backs[:, None])
        stack = torch.cat([x[None], removed.flatten(0, 1), kept.flatten(0, 1)])
        probs = self.probabilities(stack, target).numpy()
        full = probs[0]
        shape = (len(self.backgrounds), len(self.fractions))
        comp = full - probs[1:1 + np.prod(shape)].reshape(shape)
        suff = full - probs[1 + np.prod(shape):].reshape(shape)
        return dict(target=target, full=float(full), fractions=list(self.fractions),
                    comprehensiveness=float(comp.mean()), sufficiency=float(suff.mean()),
                    per_background={b: dict(comprehensiveness=float(comp[i].mean()),
                                            sufficiency=float(suff[i].mean()))
                                    for i, b in enumerate(map(str, self.backgrounds))})
