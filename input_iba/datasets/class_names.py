"""Class names: what a dataset calls its classes, read from a file or
found on the dataset (``dataset.class_names``, a list by class index)."""
import json
from typing import List, Optional, Sequence, Union

from input_iba.utils import read_text


def read_class_names(path: str) -> List[str]:
    """Class names from ``path``: an ImageNet-style index
    (``{"0": ["n01440764", "tench"], ...}``), a JSON list, or a text file
    with one name a line."""
    text = read_text(path)
    if path.endswith('.json'):
        data = json.loads(text)
        if isinstance(data, dict):
            return [data[str(i)][-1] if isinstance(data[str(i)], list) else data[str(i)]
                    for i in range(len(data))]
        return [str(n) for n in data]
    return [line.strip() for line in text.splitlines() if line.strip()]


def as_class_names(names: Union[None, str, Sequence[str]]) -> Optional[List[str]]:
    """A dataset's ``class_names`` argument: a list of names by class
    index, the path of a file of them (:func:`read_class_names`), or None."""
    if names is None:
        return None
    return read_class_names(names) if isinstance(names, str) else [str(n) for n in names]


def class_names_of(dataset) -> Optional[List[str]]:
    """``dataset.class_names``; for a dataset that wraps others (``Subset``,
    ``AugmentedCopies``: ``.dataset``; ``ConcatDatasets``: its first, whose
    batches it uses), theirs; None when there are none."""
    names = getattr(dataset, 'class_names', None)
    if names is not None:
        return list(names)
    if getattr(dataset, 'dataset', None) is not None:
        return class_names_of(dataset.dataset)
    if getattr(dataset, 'datasets', None):
        return class_names_of(dataset.datasets[0])
    return None


def class_name(index: Optional[int], names: Optional[Sequence[str]]) -> Optional[str]:
    """The name of class ``index``, or None when it has none (no names, an
    index out of their range, or no class)."""
    if names is None or index is None or not 0 <= index < len(names) or not names[index]:
        return None
    return names[index]
