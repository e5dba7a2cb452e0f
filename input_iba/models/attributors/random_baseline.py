"""Random attributions: the floor every method must beat."""
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import make_generators, rand_per_sample

from .base import AttributionResult, BaseAttributor


@ATTRIBUTORS.register_module()
class Random(BaseAttributor):
    """Uniform noise per position, from each sample's own seed."""

    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        inputs, padding_mask = self.on_device(inputs, padding_mask)
        x = self.adapter.embed(self.model, inputs, padding_mask)
        seeds = range(len(x)) if seeds is None else seeds
        noise = rand_per_sample(make_generators(seeds, self.device),
                                x.shape[1:], self.device)
        masks = self.adapter.input_mask_to_positions(noise, padding_mask)
        return AttributionResult(input_masks=masks.detach().cpu())
