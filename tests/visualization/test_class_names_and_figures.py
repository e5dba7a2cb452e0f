"""Class names from the datasets into meta/*.json, the text page, the
contact sheet and the mask grid (rows named, a colour bar per column)."""
import json

import matplotlib.axes
import matplotlib.figure
import numpy as np
import pytest
import torch

from input_iba.datasets import AttributionDataset, SkimagePhotos
from input_iba.datasets.class_names import as_class_names, class_name, read_class_names
from input_iba.engine import run_attribution
from input_iba.models.attributors import AttributionResult, BaseAttributor
from input_iba.visualization import TokenHeatmap, contact_sheet, mask_grid
from input_iba.visualization.captions import class_line
from input_iba.visualization.text import text_colour


class Pictures(AttributionDataset):
    """Three constant 4x4 images; class 1 is named, class 0 too."""
    class_names = ('cat', 'dog')

    def __len__(self):
        return 3

    def sample_name(self, i):
        return f'p{i}'

    def __getitem__(self, i):
        return dict(name=f'p{i}', inputs=torch.full((3, 4, 4), float(i + 1)), target=-1,
                    image=np.full((4, 4, 3), 40 * i, np.uint8))


class Brightness(torch.nn.Module):
    """Logits (mean, -mean): bright images are class 0."""

    def forward(self, x):
        m = x.mean((1, 2, 3))
        return torch.stack([m, -m], 1)


class Ramp(BaseAttributor):
    def explain(self, batch):
        return AttributionResult(input_masks=torch.linspace(0, 1, 16).repeat(
            len(batch), 1).view(-1, 4, 4))


def test_meta_names_the_target_and_the_prediction_with_probabilities(tmp_path):
    seen = []
    run_attribution(Ramp(Brightness()), Pictures(), str(tmp_path),
                    lambda stem, item, mask, meta: seen.append(meta), batch_size=1,
                    progress=False)
    meta = json.loads((tmp_path / 'meta' / 'p1.json').read_text())
    # target -1: the prediction, class 0 ("cat"): softmax of (2, -2)
    assert meta['target'] == meta['prediction'] == 0
    assert meta['target_name'] == meta['prediction_name'] == 'cat'
    assert meta['target_probability'] == pytest.approx(1 / (1 + np.exp(-4)), rel=1e-6)
    assert meta['prediction_probability'] == meta['target_probability']
    assert seen[1] == meta  # the visualizer gets the meta it writes


def test_meta_names_are_none_without_class_names(tmp_path):
    class Unnamed(Pictures):
        class_names = None

    run_attribution(Ramp(Brightness()), Unnamed(), str(tmp_path), lambda *a: None,
                    batch_size=1, progress=False)
    meta = json.loads((tmp_path / 'meta' / 'p0.json').read_text())
    assert meta['target_name'] is None and meta['prediction_name'] is None
    assert class_line(meta) == f'target class 0, p = {meta["target_probability"]:.3f}'


def test_class_name_files_and_lookups(tmp_path):
    index = tmp_path / 'index.json'
    index.write_text(json.dumps({'0': ['n01440764', 'tench'], '1': ['n01443537', 'goldfish']}))
    lines = tmp_path / 'names.txt'
    lines.write_text('tench\n\ngoldfish\n')
    assert read_class_names(str(index)) == read_class_names(str(lines)) == ['tench', 'goldfish']
    assert as_class_names(str(index)) == as_class_names(('tench', 'goldfish'))
    assert class_name(1, ['tench', 'goldfish']) == 'goldfish'
    assert class_name(2, ['tench', 'goldfish']) is None and class_name(-1, ['a']) is None


def test_skimage_photos_are_named_with_imagenet_classes(tmp_path, monkeypatch):
    index = tmp_path / 'imagenet' / 'imagenet_class_index.json'
    index.parent.mkdir()
    index.write_text(json.dumps({str(i): [f'n{i}', f'name{i}'] for i in range(1000)}))
    monkeypatch.setenv('INPUT_IBA_DATA_ROOT', str(tmp_path))
    assert SkimagePhotos(names=['coffee']).class_names[967] == 'name967'
    assert SkimagePhotos(names=['coffee'], class_names=['a', 'b']).class_names == ['a', 'b']
    monkeypatch.setenv('INPUT_IBA_DATA_ROOT', str(tmp_path / 'elsewhere'))
    assert SkimagePhotos(names=['coffee']).class_names is None


def test_the_text_page_names_the_class_and_marks_the_rationale(tmp_path):
    item = dict(name='doc', tokens=['a', 'fine', 'film'], rationale=np.array([0, 1, 1]))
    meta = dict(target=1, target_name='POS', target_probability=0.8125, prediction=0,
                prediction_name='NEG', prediction_probability=0.9)
    TokenHeatmap()(str(tmp_path / 'doc'), item, np.array([0.5329, 1.7, -0.2]), meta)
    page = (tmp_path / 'doc.html').read_text()
    assert 'target POS (1), p = 0.812' in page and 'predicted NEG (0), p = 0.900' in page
    assert 'opacity = the value, clipped to [0, 1]' in page
    spans = page.split('<span')[1:]
    assert len(spans) == 3
    assert text_colour(0.5329) in spans[0] and 'class="rat"' not in spans[0]
    assert 'rgba(220, 30, 30, 1.000)' in spans[1] and 'class="rat"' in spans[1]
    assert 'rgba(220, 30, 30, 0.000)' in spans[2] and 'class="rat"' in spans[2]


@pytest.fixture
def drawn(monkeypatch):
    """The row labels and colour bars (their ranges) that figures draw."""
    out = dict(labels=[], bars=[])
    set_ylabel = matplotlib.axes.Axes.set_ylabel
    colorbar = matplotlib.figure.Figure.colorbar

    def label(ax, text, *a, **k):
        out['labels'].append(text)
        return set_ylabel(ax, text, *a, **k)

    def bar(fig, mappable, *a, **k):
        out['bars'].append((mappable.norm.vmin, mappable.norm.vmax, mappable.cmap.name))
        return colorbar(fig, mappable, *a, **k)

    monkeypatch.setattr(matplotlib.axes.Axes, 'set_ylabel', label)
    monkeypatch.setattr(matplotlib.figure.Figure, 'colorbar', bar)
    return out


def test_the_contact_sheet_names_classes_and_draws_colour_bars(tmp_path, drawn):
    run_attribution(Ramp(Brightness()), Pictures(), str(tmp_path), lambda *a: None,
                    batch_size=1, progress=False)
    images = {Pictures()[i]['name']: Pictures()[i]['image'] for i in range(3)}
    path = contact_sheet(str(tmp_path), images)
    assert path.endswith('contact_sheet.png')
    meta = json.loads((tmp_path / 'meta' / 'p2.json').read_text())
    assert drawn['labels'][2] == f'p2\ntarget cat (0), p = {meta["target_probability"]:.3f}'
    # one scale for the input masks of the run: 0 to the 99th percentile of the ramp
    assert drawn['bars'] == [(0.0, pytest.approx(np.percentile(np.linspace(0, 1, 16), 99)),
                              'jet')]


def test_the_mask_grid_draws_only_explained_samples(tmp_path, drawn):
    for method, scale in (('A', 1.0), ('B', 3.0)):
        for i in range(2):  # p2 was not run
            (tmp_path / method / 'input_masks').mkdir(parents=True, exist_ok=True)
            np.save(tmp_path / method / 'input_masks' / f'p{i}.npy',
                    np.linspace(0, scale, 16, dtype=np.float32).reshape(4, 4))
    (tmp_path / 'A' / 'meta').mkdir()
    (tmp_path / 'A' / 'meta' / 'p0.json').write_text(json.dumps(
        dict(target=1, target_name='dog', target_probability=0.25, prediction=1)))
    out = mask_grid(str(tmp_path), ['A', 'B'], Pictures(), 4, str(tmp_path / 'grid.png'))
    assert out == str(tmp_path / 'grid.png')
    assert drawn['labels'] == ['p0\ntarget dog (1), p = 0.250', 'p1']
    assert [b[1] for b in drawn['bars']] == pytest.approx(
        [np.percentile(np.linspace(0, s, 16), 99) for s in (1.0, 3.0)], rel=1e-5)
    assert mask_grid(str(tmp_path), ['C'], Pictures(), 4, str(tmp_path / 'none.png')) is None
