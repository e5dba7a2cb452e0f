"""How figures and pages name a sample's classes, from its ``meta/<name>.json``."""
from typing import Optional, Sequence

from input_iba.datasets.class_names import class_name

#: what a caption calls the meta's classes
CLASS_WORDS = dict(target='target', prediction='predicted', label='label')


def class_label(index: Optional[int], name: Optional[str] = None) -> str:
    """``'tench (0)'``, ``'class 0'`` without a name, ``'—'`` without a class
    (None or negative)."""
    if not isinstance(index, int) or index < 0:
        return '—'
    return f'{name} ({index})' if name else f'class {index}'


def meta_class(meta: dict, key: str, names: Optional[Sequence[str]] = None) -> str:
    """``'<word> <class label>[, p = <probability>]'`` of the meta's
    ``key`` (``'target'``, ``'prediction'`` or ``'label'``); the name is
    from ``names`` when given, else the meta's ``<key>_name``."""
    index = meta.get(key)
    name = class_name(index, names) if names is not None else meta.get(f'{key}_name')
    p = meta.get(f'{key}_probability')
    return (f'{CLASS_WORDS[key]} {class_label(index, name)}'
            + (f', p = {p:.3f}' if isinstance(p, float) else ''))


def class_line(meta: dict, names: Optional[Sequence[str]] = None, sep: str = ' · ') -> str:
    """The explained class and its probability, and the predicted class
    when it differs, joined by ``sep``."""
    keys = ['target'] + (['prediction'] if meta.get('prediction') not in (
        None, meta.get('target')) else [])
    return sep.join(meta_class(meta, key, names) for key in keys)
