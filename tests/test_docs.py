"""The docs only mention what exists: registered types, attributor keys,
importable names."""
import ast
import importlib
import inspect
import os
import os.path as osp
import re

import pytest

from input_iba.registry import (ADAPTERS, ATTRIBUTORS, DATASETS, DISCRIMINATORS,
                                EVALUATORS, MODELS, TRANSFORMS, VISUALIZERS)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DOCS = [osp.join(REPO, 'README.md')] + [
    osp.join(REPO, 'docs', f) for f in sorted(os.listdir(osp.join(REPO, 'docs')))
    if f.endswith('.md')]
REGISTRIES = [MODELS, ADAPTERS, ATTRIBUTORS, DATASETS, DISCRIMINATORS,
              EVALUATORS, TRANSFORMS, VISUALIZERS]


def _text(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def _registered(name):
    return any(reg.get(name) is not None for reg in REGISTRIES)


@pytest.mark.parametrize('path', DOCS, ids=osp.basename)
def test_every_type_named_in_the_docs_is_registered(path):
    names = set(re.findall(r"(?<!\w)type='(\w+)'", _text(path)))
    names |= set(re.findall(r'^### `(\w+)`', _text(path), flags=re.M))
    defined_here = set(re.findall(r'^class (\w+)', _text(path), flags=re.M))
    missing = sorted(n for n in names - defined_here if not _registered(n))
    assert not missing, f'{osp.basename(path)} names unregistered types {missing}'


def _key_tables(text):
    """``{Attributor: [keys]}`` from '### `Name`' headings and key tables."""
    tables = {}
    for block in re.split(r'^### ', text, flags=re.M)[1:]:
        head = re.match(r'`(\w+)`', block)
        if head:
            tables[head.group(1)] = re.findall(r'^\| `(\w+)` \|', block, flags=re.M)
    return tables


@pytest.mark.parametrize('path', DOCS, ids=osp.basename)
def test_documented_attributor_keys_exist(path):
    for name, keys in _key_tables(_text(path)).items():
        cls = ATTRIBUTORS.get(name)
        if cls is None:
            continue
        params = set(inspect.signature(cls).parameters)
        params |= set(getattr(cls, 'schedule_keys', ()))
        assert set(keys) <= params, (name, sorted(set(keys) - params))


@pytest.mark.parametrize('path', DOCS, ids=osp.basename)
def test_python_blocks_parse_and_their_imports_exist(path):
    for block in re.findall(r'```python\n(.*?)```', _text(path), flags=re.S):
        tree = ast.parse(block.replace('...', 'pass'))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith('input_iba'):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name), (node.module, alias.name)


@pytest.mark.parametrize('path', DOCS, ids=osp.basename)
def test_paths_named_in_the_docs_exist(path):
    text = _text(path)
    for ref in set(re.findall(r'`((?:tools|configs|benchmarks|tutorials|tests)/[\w./-]+)`',
                              text)):
        assert osp.exists(osp.join(REPO, ref)), f'{osp.basename(path)}: {ref}'


def test_the_example_method_of_the_docs_runs(tiny_convnet):
    text = _text(osp.join(REPO, 'docs', 'adding_a_method.md'))
    block = re.findall(r'```python\n(.*?)```', text, flags=re.S)[0]
    namespace = {}
    exec(compile(block.replace('@ATTRIBUTORS.register_module()',
                               '@ATTRIBUTORS.register_module(force=True)'),
                 'adding_a_method.md', 'exec'), namespace)
    import torch
    att = namespace['NoisyGradient'](tiny_convnet, copies=3)
    x = torch.randn(2, 3, 16, 16)
    batch = att.attribute(x, torch.tensor([0, 1]), seeds=[4, 5])
    single = att.attribute(x[1:], torch.tensor([1]), seeds=[5])
    assert batch.input_masks.shape == (2, 16, 16)
    assert torch.allclose(batch.input_masks[1], single.input_masks[0], atol=1e-6)
