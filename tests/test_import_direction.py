"""Which rooms of the package may import which (docs/design.md, Layout): the
imports of every file of input_iba/, read with ``ast`` (function-level
imports included), against the rules below."""
import ast
import os
import os.path as osp

import pytest

import input_iba

PACKAGE = osp.dirname(input_iba.__file__)

#: room (a folder of input_iba/) -> the input_iba modules it may import, by
#: prefix, and why
ONLY = {
    'models': (('input_iba.models', 'input_iba.registry', 'input_iba.utils'),
               'models are the floor below datasets, the engine and the metrics'),
    'utils': (('input_iba.utils', 'input_iba'),
              'utils is the ground floor (it reads only the package version)'),
}
#: room -> the input_iba modules it must not import, and why
NEVER = {
    'evaluation': (('input_iba.models.attributors', ),
                   'a metric re-runs a method through the ATTRIBUTORS registry; baselines are '
                   "the adapters' (models/adapters/reference_inputs.py)"),
    'apis': (('input_iba.visualization', 'matplotlib', 'html'),
             'apis reads, checks and builds configs: no plotting or HTML'),
}
#: the imports the rules look at: the package's and the drawing libraries
WATCHED = ('input_iba', 'matplotlib', 'html')
#: a module that only the files under the given folders import
PRIVATE = {
    'input_iba.models.attributors._utils': ('models/attributors', ),
    'input_iba.tools': ('tools', ),
}


def _module(path):
    parts = osp.relpath(path, osp.dirname(PACKAGE))[:-3].split(os.sep)
    return parts[:-1] if parts[-1] == '__init__' else parts


def imports(path):
    """The absolute names ``path`` imports (``from x import y``: ``x.y``,
    which covers a submodule ``y``; a name of ``x`` starts with ``x`` too)."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    package = _module(path) if path.endswith('__init__.py') else _module(path)[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                base = '.'.join(package[:len(package) - node.level + 1]
                                + ([base] if base else []))
            yield from (f'{base}.{alias.name}' for alias in node.names)


def _files():
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if name.endswith('.py'):
                path = osp.join(folder, name)
                yield osp.relpath(path, PACKAGE).replace(os.sep, '/'), path


def _within(name, prefixes):
    return any(name == p or name.startswith(p + '.') for p in prefixes)


def _broken(room_of, allowed):
    return sorted(f'{rel} imports {name}' for rel, path in _files()
                  if room_of(rel) for name in imports(path)
                  if _within(name, WATCHED)
                  and not allowed(room_of(rel), name))


@pytest.mark.parametrize('room', sorted(ONLY))
def test_rooms_import_only_the_floors_below(room):
    prefixes, why = ONLY[room]
    # 'input_iba' itself: the package's __version__ only
    broken = _broken(lambda rel: rel.startswith(room + '/') and room,
                     lambda _, name: name in ('input_iba.__version__', )
                     or _within(name, tuple(p for p in prefixes if p != 'input_iba')))
    assert broken == [], f'{room}/ may import only {prefixes} ({why}): {broken}'


@pytest.mark.parametrize('room', sorted(NEVER))
def test_rooms_do_not_import_what_is_not_theirs(room):
    prefixes, why = NEVER[room]
    broken = _broken(lambda rel: rel.startswith(room + '/') and room,
                     lambda _, name: not _within(name, prefixes))
    assert broken == [], f'{room}/ must not import {prefixes} ({why}): {broken}'


@pytest.mark.parametrize('module', sorted(PRIVATE))
def test_private_modules_stay_in_their_room(module):
    owners = PRIVATE[module]
    broken = _broken(lambda rel: not rel.startswith(tuple(o + '/' for o in owners)) and rel,
                     lambda _, name: not _within(name, (module, )))
    assert broken == [], f'{module} is imported only under {owners}: {broken}'


def test_the_rules_see_imports():
    """The reader resolves relative imports and sees function-level ones."""
    found = set(imports(osp.join(PACKAGE, 'models', 'attributors', 'marc.py')))
    assert 'input_iba.models.attributors._utils.mask_layouts.ImageGrid' in found
    assert 'input_iba.models.attributors.base.BaseAttributor' in found
    confident = set(imports(osp.join(PACKAGE, 'datasets', 'confident.py')))
    assert 'input_iba.models.adapters.build_adapter' in confident  # inside a function
