"""The docs only mention what exists: registered types, attributor keys,
importable names."""
import ast
import importlib
import inspect
import os
import os.path as osp
import re

import pytest

from input_iba.registry import (
    ADAPTERS,
    ATTRIBUTORS,
    DATASETS,
    DISCRIMINATORS,
    ESTIMATORS,
    EVALUATORS,
    GENERATORS,
    MODELS,
    TRANSFORMS,
    VISUALIZERS,
)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DOCS = [osp.join(REPO, 'README.md')] + [
    osp.join(REPO, 'docs', f) for f in sorted(os.listdir(osp.join(REPO, 'docs')))
    if f.endswith('.md')]
REGISTRIES = [MODELS, ADAPTERS, ATTRIBUTORS, DATASETS, DISCRIMINATORS,
              ESTIMATORS, EVALUATORS, GENERATORS, TRANSFORMS, VISUALIZERS]


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


def _example(index, name):
    """Execute python block ``index`` of docs/adding_a_method.md; return ``name``."""
    text = _text(osp.join(REPO, 'docs', 'adding_a_method.md'))
    block = re.findall(r'```python\n(.*?)```', text, flags=re.S)[index]
    namespace = {}
    exec(compile(block.replace('.register_module()', '.register_module(force=True)'),
                 'adding_a_method.md', 'exec'), namespace)
    return namespace[name]


def test_the_example_metric_of_the_docs_joins_the_catalogue():
    import numpy as np

    from input_iba.evaluation import catalogue
    from input_iba.evaluation.tables import markdown_table
    cls = _example(1, 'PeakShare')
    assert catalogue.metric('peak_share') is cls
    # |mask| = 1, 3, 0, 4: the peak holds 4 / 8 of the heat
    rec = cls().evaluate_sample({}, np.array([[1.0, -3.0], [0.0, 4.0]]), 2)
    assert rec == dict(target=2, peak_share=0.5)
    stats = dict(mean=0.5, ci95=[0.5, 0.5])
    assert markdown_table(dict(A=dict(peak_share=dict(peak_share=stats))),
                          ['peak_share']).splitlines()[0] == '| method | peak share ↑ | n |'


def test_the_example_tool_of_the_docs_runs(tmp_path, monkeypatch):
    from tests.tools.helpers import make_image_run
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=3, broken=False)
    main = _example(2, 'main')
    assert main('count', [str(cfg), '--work-dir', str(work), '--device', 'cpu']) == 3
    assert (work / 'config.py').is_file() and list((work / 'logs').glob('*.log'))


def _block_after(path, heading, marker):
    """The first ```python block after ``heading`` that contains ``marker``."""
    text = _text(osp.join(REPO, 'docs', path))
    text = text[text.index(heading):]
    return next(b for b in re.findall(r'```python\n(.*?)```', text, re.S) if marker in b)


def _beside_configs(tmp_path, name, source):
    """``source`` written as ``name`` in a folder beside a link to configs/,
    as the docs say (a relative ``_base_`` is read from the file's folder)."""
    (tmp_path / 'configs').symlink_to(osp.join(REPO, 'configs'))
    path = tmp_path / name
    path.write_text(source)
    return str(path)


def test_explain_your_own_images_config_works_as_written(tmp_path):
    from mmengine.config import Config

    from input_iba.apis.builders import build_dataset
    from input_iba.apis.validation import check_config
    from tests.tools.helpers import make_image_run
    images = tmp_path / 'run'
    images.mkdir()
    make_image_run(images, pytest.MonkeyPatch(), num_images=2, broken=False)
    source = _block_after('getting_started.md', '## Explain your own images', 'my_images.py')
    path = _beside_configs(tmp_path, 'my_images.py',
                           source.replace('/my/images', str(images / 'images')))
    cfg = Config.fromfile(path)
    check_config(cfg, ('data', 'model', 'attributor', 'attribution'))
    assert len(build_dataset(cfg.data.attribute)) == 2
    assert build_dataset(cfg.data.estimate)[0]['inputs'].shape == (3, 224, 224)


def test_custom_config_snippet_works_as_written(tmp_path, monkeypatch):
    from mmengine.config import Config

    from input_iba.apis.validation import check_config
    (tmp_path / 'my_models.py').write_text(
        _block_after('config.md', '## Your own code', 'class MyNet').replace(
            '    ...', '    def __init__(self):\n        super().__init__()'))
    monkeypatch.syspath_prepend(str(tmp_path))
    path = _beside_configs(tmp_path, 'my_config.py',
                           _block_after('config.md', '## Your own code', 'my_config.py'))
    cfg = Config.fromfile(path)
    check_config(cfg, ('data', 'model', 'attributor', 'attribution'))
    assert cfg.model == dict(type='MyNet') and cfg.attributor.layer == 'body.stage2'


def _code_spans(text):
    """The code spans of markdown ``text`` (in single or double backticks),
    line breaks read as spaces."""
    return [' '.join((a or b).split()) for a, b in re.findall(r'``(.+?)``|`([^`]+)`', text)]


def test_when_things_go_wrong_matches_the_bad_input_table():
    """Every message the page quotes in its table is one the table of
    tests/test_bad_inputs.py asserts (one contains the other), and every
    family of that table is quoted somewhere on the page."""
    from tests.test_bad_inputs import FAMILIES
    text = _text(osp.join(REPO, 'docs', 'when_things_go_wrong.md'))
    tested = [m for messages in FAMILIES.values() for m in messages]

    def matches(span, message):
        pieces = [p.strip() for p in span.split('...') if p.strip()]
        return all(p in message for p in pieces) or message in span

    rows = re.findall(r'^\| (.+) \| (.+) \|$', text, flags=re.M)[2:]  # under the header
    for _, shown in rows:
        for span in _code_spans(shown):
            assert any(matches(span, m) for m in tested), f'untested message: {span}'
    spans = _code_spans(text)
    for family, messages in FAMILIES.items():
        assert any(matches(s, m) for s in spans for m in messages), f'{family} not documented'
