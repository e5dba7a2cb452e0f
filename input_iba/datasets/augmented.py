"""Random crops and flips of an image dataset: more training samples for
explainers when only a few images are at hand."""
import numpy as np

from input_iba.registry import DATASETS

from .base import AttributionDataset
from .transforms import build_transform


def random_crop_flip(image, rng, min_scale=0.5):
    """A crop of ``image`` with sides ``min_scale``..1 of the original (one
    scale for both) at a random place, flipped horizontally with p = 0.5."""
    h, w = image.shape[:2]
    scale = rng.uniform(min_scale, 1.0)
    ch, cw = int(h * scale), int(w * scale)
    top, left = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    image = image[top:top + ch, left:left + cw]
    return image[:, ::-1] if rng.random() < 0.5 else image


@DATASETS.register_module()
class AugmentedCopies(AttributionDataset):
    """``copies`` versions of every image of ``dataset`` (a config or a
    dataset): the originals first, then ``copies - 1`` rounds of random crops
    and flips of their display ``image``, each fixed by ``(seed, round,
    source index)`` and resized back by ``pipeline``. Crops keep the label
    and drop the boxes. Raising ``copies`` appends samples and leaves the
    earlier ones (and their indices) as they were, so stored results stay
    valid.

    ``sample_group(i)`` names the source image, so that training and
    validation splits keep all copies of one image on the same side.
    """

    def __init__(self, dataset, copies=8, min_scale=0.5, seed=0, pipeline=None):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        if copies < 1:
            raise ValueError(f'copies must be >= 1, got {copies}.')
        self.copies, self.min_scale, self.seed = copies, min_scale, seed
        self.transform = build_transform(pipeline or dict(type='ResizeNormalize'))

    def __len__(self):
        return len(self.dataset) * self.copies

    def _source(self, index):
        """``(round, source index)`` of sample ``index`` (round 0: original)."""
        return divmod(index, len(self.dataset))

    def sample_group(self, index):
        return self.dataset.sample_name(self._source(index)[1])

    def sample_name(self, index):
        copy = self._source(index)[0]
        return self.sample_group(index) + (f'_aug{copy}' if copy else '')

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(f'index {index} out of range for {len(self)} samples')
        copy, source = self._source(index)
        item = self.dataset[source]
        if copy == 0:
            return item
        rng = np.random.default_rng([self.seed, copy, source])
        x, resized, _ = self.transform(random_crop_flip(item['image'], rng, self.min_scale))
        return dict(item, name=self.sample_name(index), inputs=x, image=resized,
                    boxes=np.zeros((0, 4), np.float32))
