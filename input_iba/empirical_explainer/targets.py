"""The training targets of an empirical explainer: the expensive method's
maps from its attribution store (``tools/explain_dataset.py``), normalised,
and the split into training and validation samples."""
import numpy as np
import torch

from input_iba.apis.builders import build_dataset, build_model
from input_iba.engine.attribution_store import AttributionStore

#: the config sections the explainer tools need
EXPLAINER_SECTIONS = ('model', 'data', 'targets_dir', 'explainer', 'train')


def load_explainer_data(cfg, device):
    """Model, dataset, normalised targets, their scales and the stored
    records of an explainer config: what training, evaluation and the speed
    benchmark share."""
    model = build_model(cfg.model, device)
    dataset = build_dataset(cfg.data.attribute)
    targets, scales, records = load_targets(cfg.targets_dir, dataset)
    return model, dataset, targets, scales, records


def load_targets(store_dir, dataset):
    """``{index: target map}`` from the attribution store in ``store_dir``
    (written by ``tools/explain_dataset.py`` for the same dataset config),
    each map divided by its largest absolute value, so that every sample
    weighs the same; the scale is kept in ``scales``. Returns
    ``(targets, scales, records)``."""
    records = AttributionStore(store_dir).load()
    targets, scales = {}, {}
    for i, rec in records.items():
        if i >= len(dataset) or dataset.sample_name(i) != rec['name']:
            raise ValueError(
                f'The attribution store {store_dir} does not match the dataset: '
                f'stored sample {i} is {rec["name"]!r}. Use the data.attribute '
                'config that tools/explain_dataset.py ran on.')
        t = torch.from_numpy(rec['attributions'].astype(np.float32))
        scales[i] = float(t.abs().max()) or 1.0
        targets[i] = t / scales[i]
    return targets, scales, records


def sample_group_of(dataset):
    """The function naming each sample's group: ``dataset.sample_group``
    (e.g. the source photo of a crop), or its own name where the dataset
    has no groups."""
    return getattr(dataset, 'sample_group', dataset.sample_name)


def split_indices(dataset, indices, val_fraction=0.2, seed=0, val_fold=0):
    """A random train/validation split of ``indices`` that keeps samples of
    one group together (``dataset.sample_group(i)``, e.g. the crops of one
    image; every sample its own group otherwise). Returns ``(train, val)``.

    The groups are shuffled once by ``seed`` and cut into folds of
    ``val_fraction`` of them; ``val_fold`` picks the fold that validates, so
    that explainers trained with ``val_fold`` 0, 1, ... (cross-fitting; with
    ``val_fraction=0.5``, two halves) together predict every sample unseen."""
    group_of = sample_group_of(dataset)
    groups = sorted({group_of(i) for i in indices})
    order = torch.randperm(len(groups), generator=torch.Generator().manual_seed(seed))
    n_val = max(1, round(len(groups) * val_fraction))
    folds = -(-len(groups) // n_val)
    if not 0 <= val_fold < folds:
        raise ValueError(f'val_fold must be in 0..{folds - 1} ({len(groups)} groups in '
                         f'folds of val_fraction={val_fraction}), got {val_fold}.')
    val_groups = {groups[k] for k in order[val_fold * n_val:(val_fold + 1) * n_val].tolist()}
    val = [i for i in indices if group_of(i) in val_groups]
    train = [i for i in indices if group_of(i) not in val_groups]
    if not train:
        raise ValueError(f'Only {len(groups)} group(s) of samples: too few for a '
                         'training and a validation split.')
    return train, val
