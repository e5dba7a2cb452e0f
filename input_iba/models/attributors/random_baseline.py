"""Random attributions: the floor every method must beat."""
from input_iba.registry import ATTRIBUTORS
from input_iba.utils import rand_per_sample

from .base import AttributionResult, BaseAttributor


@ATTRIBUTORS.register_module()
class Random(BaseAttributor):
    """Uniform noise per position, from each sample's own seed."""

    def explain(self, batch):
        noise = rand_per_sample(batch.generators, batch.x.shape[1:], self.device)
        masks = self.adapter.input_mask_to_positions(noise, batch.padding_mask)
        return AttributionResult(input_masks=masks.detach().cpu())
