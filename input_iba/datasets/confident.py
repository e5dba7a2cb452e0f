"""Only the samples the model classifies confidently (the InputIBA
reference explains and evaluates only samples whose target probability is
at least 0.6)."""
import torch

from input_iba.registry import DATASETS, MODELS

from .base import load_items
from .subset import Subset


@DATASETS.register_module()
class ConfidentSamples(Subset):
    """The samples of ``dataset`` whose softmax probability of the class
    explained (the label; the prediction when the label is -1) is at least
    ``threshold``. The model runs once over the dataset when this is built,
    ``batch_size`` samples per pass; ``probabilities`` maps every readable
    sample's name to its probability. Unreadable samples are left out.

    Args:
        dataset: a dataset or its config.
        model: the classifier (a module or a ``MODELS`` config; in a config
            file reuse ``{{_base_.model}}``).
        adapter: the model's input adapter (images: the default).
    """

    def __init__(self, dataset, model, threshold=0.6,
                 adapter=dict(type='ImageAdapter'), batch_size=16, device='cpu'):
        from input_iba.models.adapters import build_adapter
        from input_iba.models.hooks import freeze
        inner = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        model = MODELS.build(model) if isinstance(model, dict) else model
        model = freeze(model).to(device)
        adapter = build_adapter(adapter)
        self.threshold, self.probabilities = threshold, {}
        kept = []
        for start in range(0, len(inner), batch_size):
            indices = list(range(start, min(start + batch_size, len(inner))))
            items = load_items(inner, indices, lambda *_: None)
            names = {it['name'] for it in items}
            loaded = [i for i in indices if inner.sample_name(i) in names]
            if not items:
                continue
            batch = inner.collate(items)
            pm = batch.get('padding_mask')
            pm = None if pm is None else pm.to(device)
            with torch.no_grad():
                x = adapter.embed(model, batch['inputs'].to(device), pm)
                probs = adapter.forward(model, x, pm).softmax(-1).cpu()
            targets = batch['targets'].clone()
            unknown = targets < 0
            targets[unknown] = probs[unknown].argmax(-1)
            p = probs.gather(1, targets[:, None])[:, 0]
            for i, it, value in zip(loaded, items, p.tolist()):
                self.probabilities[it['name']] = value
                if value >= threshold:
                    kept.append(i)
        if not kept:
            raise ValueError(f'No sample of {type(inner).__name__} reaches a target '
                             f'probability of {threshold} (highest: '
                             f'{max(self.probabilities.values(), default=None)}): '
                             'lower threshold or check the model and labels.')
        super().__init__(inner, indices=kept)
