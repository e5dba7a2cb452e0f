"""report.html: built from real tool runs, read back with html.parser, and
(where Debian's chromium is installed) opened in a headless browser."""
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from conftest import requires_shared_data

from input_iba.datasets.class_names import class_names_of
from input_iba.tools.evaluate import main as evaluate
from input_iba.tools.train import main as train
from input_iba.visualization.colour_scales import run_ranges
from input_iba.visualization.report import MASK_FOLDERS, PAGE_SIZE, REPORT, write_report
from input_iba.visualization.text import text_colour
from tests.tools.helpers import SALIENCY, make_image_run

NAMES = ['cat', 'dog', 'fox', 'owl']


class Page(HTMLParser):
    """The elements of a page as ``(tag, attrs)``, its text, and the
    contents of its scripts by id."""

    def __init__(self, text):
        super().__init__()
        self.elements, self.texts, self.scripts, self._script = [], [], {}, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == 'script':
            self._script = attrs.get('id', '')
            self.scripts[self._script] = ''

    def handle_endtag(self, tag):
        if tag == 'script':
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self.scripts[self._script] += data
        else:
            self.texts.append(data)

    def all(self, tag, cls=None):
        return [a for t, a in self.elements
                if t == tag and (cls is None or cls in (a.get('class') or '').split())]

    @property
    def text(self):
        return ' '.join(self.texts)


def named(config):
    """``config`` with the class names :data:`NAMES` on the explained dataset."""
    return config.replace('pipeline=pipeline),', f'pipeline=pipeline, class_names={NAMES}),', 1)


def image_run(tmp_path, monkeypatch):
    """Two images (and a broken file) explained by Saliency on the tiny
    model, evaluated with insertion/deletion: the tools write the report."""
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=2, labels='img1.png 2\n')
    cfg.write_text(named(SALIENCY).format(root=tmp_path / 'images',
                                          labels=repr(str(tmp_path / 'labels.txt'))))
    train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    evaluate('e', [str(cfg), '--work-dir', str(work), '--device', 'cpu', '--metrics',
                   'insertion_deletion', '--cfg-options',
                   'evaluation.insertion_deletion.pixels_per_step=32'])
    return work


def external_urls(page):
    return [a[key] for _, a in page.elements for key in ('src', 'href')
            if re.match(r'\s*(https?:)?//', a.get(key) or '')]


def test_image_run_report(tmp_path, monkeypatch):
    work = image_run(tmp_path, monkeypatch)
    page = Page((work / REPORT).read_text(encoding='utf-8'))  # written by the tools
    cards = page.all('div', 'card')
    assert sorted(c['data-name'] for c in cards) == ['img0', 'img1']
    metas = {n: json.load(open(work / 'meta' / f'{n}.json')) for n in ('img0', 'img1')}
    for meta in metas.values():
        assert meta['target_name'] == NAMES[meta['target']]  # the dataset's names
        assert meta['prediction_name'] == NAMES[meta['prediction']]
        assert f"{NAMES[meta['target']]} ({meta['target']})" in page.text
        assert f"p = {meta['target_probability']:.3f}" in page.text
    assert 'label fox (2)' in ' '.join(page.text.split())
    # every card: the input and its mask, as embedded images
    thumbs = [img['src'] for img in page.all('img') if img.get('alt') in ('input',
                                                                            'input_masks')]
    assert len(thumbs) == 4 and all(s.startswith('data:image/') for s in thumbs)
    # the metric tables: a summary and one sortable row per sample, and the curve
    assert 'insertion AUC' in page.text and 'deletion AUC' in page.text
    rows = page.all('a', 'goto')
    assert sorted(r['data-name'] for r in rows) == ['img0', 'img1']
    record = json.load(open(work / 'eval_input_masks' / 'insertion_deletion' / 'img0.json'))
    assert f"{record['insertion_auc']:.4g}" in page.text
    assert any(img.get('alt') == 'insertion_deletion curve' for img in page.all('img'))
    # the run: record, seed, time per sample, log link, failures with their reasons
    run = json.load(open(work / 'run.json'))
    assert run['code_version'] in page.text and run['config_hash'] in page.text
    assert 'seconds per sample' in page.text
    logs = sorted(str(p.relative_to(work)) for p in work.glob('**/logs/*.log'))
    assert len(logs) == 2 and logs[0].startswith('eval_input_masks/logs/')  # one per run
    assert [a['href'] for a in page.all('a', 'log')] == logs
    assert {a['href'] for a in page.all('a') if a['href'].endswith('.png')} == {
        'input_masks/img0.png', 'input_masks/img1.png'}  # the visualizer's full-size files
    assert 'broken' in page.text and 'could not load' in page.text
    assert not external_urls(page)
    data = json.loads(page.scripts['cards-data'])
    assert data['names'] == ['img0', 'img1'] and len(data['cards']) == 2


def test_a_thousand_samples_open_one_page(tmp_path):
    """No config, 1,000 masks and an evaluation: the document holds one page
    of cards; the others wait in the JSON block."""
    rng = np.random.default_rng(0)
    for folder in ('input_masks', 'meta', 'eval_input_masks/ehr'):
        (tmp_path / folder).mkdir(parents=True)
    for i in range(1000):
        name = f's{i:04d}'
        np.save(tmp_path / 'input_masks' / f'{name}.npy', rng.random((6, 6), np.float32))
        (tmp_path / 'meta' / f'{name}.json').write_text(json.dumps(
            dict(name=name, target=i % 3, prediction=0, label=-1,
                 target_probability=0.5, seconds=0.1)))
        (tmp_path / 'eval_input_masks' / 'ehr' / f'{name}.json').write_text(json.dumps(
            dict(name=name, ehr=i / 1000, quantiles=[0.1, 0.5], ratios=[1.0, 0.5])))
    (tmp_path / 'eval_input_masks' / 'ehr.json').write_text(json.dumps(
        dict(ehr=dict(mean=0.4995, std=0.29, n=1000, ci95=[0.48, 0.52]), num_samples=1000)))
    page = Page(open(write_report(str(tmp_path)), encoding='utf-8').read())
    assert len(page.all('div', 'card')) == PAGE_SIZE
    assert len(page.all('img')) == PAGE_SIZE + 1  # one mask each, and the EHR curve
    assert len(json.loads(page.scripts['cards-data'])['cards']) == 1000
    assert len(page.all('a', 'goto')) == 1000
    assert 'Samples (1000)' in page.text and 'class 2' in page.text
    assert 'no config with data.attribute' in page.text
    lo, hi = run_ranges(str(tmp_path), [f's{i:04d}' for i in range(1000)],
                        MASK_FOLDERS)['input_masks']
    assert lo < 0.001 and 0.95 < hi < 1  # one colour scale for the run: min .. top 99th percentile
    assert f'input_masks {lo:.3g}' in page.text and f'{hi:.3g}' in page.text


def test_text_opacity_is_the_mask_value():
    assert text_colour(0.5329) == 'rgba(220, 30, 30, 0.533)'
    assert text_colour(1.7).endswith(' 1.000)') and text_colour(-2).endswith(' 0.000)')


def test_class_names_of_datasets():
    from input_iba.datasets import SST2, ConcatDatasets, EraserMovies, Subset

    class Named:
        class_names = ['tench', 'goldfish']

        def __len__(self):
            return 0

    assert class_names_of(Named()) == ['tench', 'goldfish']
    assert class_names_of(object()) is None
    assert EraserMovies.class_names == ('NEG', 'POS')
    assert SST2.class_names == ('negative', 'positive')
    wrapped = Subset.__new__(Subset)
    wrapped.dataset = Named()  # an empty inner dataset is still looked through
    assert class_names_of(wrapped) == ['tench', 'goldfish']
    concat = ConcatDatasets.__new__(ConcatDatasets)
    concat.datasets = [Named(), object()]
    assert class_names_of(concat) == ['tench', 'goldfish']


def text_run(tmp_path):
    """Two ERASER documents explained by InputIBA with a small LSTM that the
    tools train: the tool writes the report."""
    from input_iba.tools.train_classifier import main as train_classifier
    from tests.tools.test_text_tools import CLASSIFIER, EXPLAIN
    (tmp_path / 'cls.py').write_text(CLASSIFIER)
    train_classifier('t', [str(tmp_path / 'cls.py'), '--work-dir', str(tmp_path / 'cls')])
    (tmp_path / 'explain.py').write_text(EXPLAIN.format(d=tmp_path / 'cls'))
    work = tmp_path / 'explain'
    train('n', [str(tmp_path / 'explain.py'), '--work-dir', str(work), '--device', 'cpu',
                '--num-samples', '2'])
    return work


@requires_shared_data
def test_text_run_report(tmp_path):
    work = text_run(tmp_path)
    page = Page((work / REPORT).read_text(encoding='utf-8'))
    cards = page.all('div', 'card')
    assert len(cards) == 2
    for card in cards:
        meta = json.load(open(work / 'meta' / f"{card['data-name']}.json"))
        assert meta['target_name'] == ['NEG', 'POS'][meta['target']]  # EraserMovies' names
        assert f"target {meta['target_name']} ({meta['target']}), p = " \
            f"{meta['target_probability']:.3f}" in page.text
    name = cards[0]['data-name']
    mask = np.load(work / 'input_masks' / f'{name}.npy')
    spans = [a for a in page.all('span') if 'title' in a][:len(mask)]
    assert len(spans) == 40
    for span, value in zip(spans, mask):
        assert span['style'] == f'background:{text_colour(float(value))}'
    assert 'opacity = the value, clipped to [0, 1]' in page.text
    # the human rationale: ERASER's evidence tokens are marked, the others not
    from input_iba.datasets import EraserMovies
    docs = EraserMovies(split='val', num_samples=2, max_length=40, min_freq=1)
    rationale = {docs.sample_name(i): docs[i]['rationale'] for i in range(2)}
    marked = [('rat' in (a.get('class') or '')) for a in spans]
    assert marked == [bool(r) for r in rationale[name][:40]]


COMPARE = named(SALIENCY) + """
methods = dict(Saliency=dict(type='Saliency'), Random=dict(type='Random'))
metrics = ['insertion_deletion']
evaluation = dict(insertion_deletion=dict(pixels_per_step=32))
figure_samples = 4
paired_reference = 'Saliency'
"""


def compare_run(tmp_path, monkeypatch):
    """Two methods on two images (and a broken file) with insertion/deletion
    and the paired table: the compare tool writes the report."""
    from input_iba.tools.compare import main as compare
    cfg, work = make_image_run(tmp_path, monkeypatch, num_images=2, labels='img1.png 2\n')
    cfg.write_text(COMPARE.format(root=tmp_path / 'images',
                                  labels=repr(str(tmp_path / 'labels.txt'))))
    compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    return work


def test_compare_run_report(tmp_path, monkeypatch):
    work = compare_run(tmp_path, monkeypatch)
    page = Page((work / REPORT).read_text(encoding='utf-8'))
    text = ' '.join(page.text.split())
    # the methods side by side on every card, each on its own colour scale
    cards = page.all('div', 'card')
    assert sorted(c['data-name'] for c in cards) == ['img0', 'img1']
    assert [img['alt'] for img in page.all('img') if not img['alt'].endswith('curve')] == [
        'input', 'Saliency', 'Random'] * 2
    assert 'Saliency' in text and 'Random' in text and 'jet: from the smallest' in text
    for name in ('img0', 'img1'):
        meta = json.load(open(work / 'Saliency' / 'meta' / f'{name}.json'))
        assert f"target {NAMES[meta['target']]} ({meta['target']}), p = " \
            f"{meta['target_probability']:.3f}" in text
    # table.md's tables, as the tool computed them, sortable
    tables = page.all('table', 'methods')
    assert len(tables) == 2 and all('sortable' in t['class'] for t in tables)
    for line in (work / 'table.md').read_text().splitlines():
        if line.startswith('| ') and '---' not in line:
            for cell in line.strip('| ').split(' | '):
                assert cell in text, cell
    assert 'Saliency minus' in text and '/2 better)' in text
    # the per-sample metrics of both methods, and the curves
    assert 'Saliency: insertion AUC ↑' in text and 'Random: deletion AUC ↓' in text
    record = json.load(open(work / 'Random' / 'eval_input_masks' / 'insertion_deletion' /
                            'img1.json'))
    assert f"{record['deletion_auc']:.4g}" in text
    assert any(img['alt'] == 'insertion_deletion curve' for img in page.all('img'))
    assert text.count('could not load') == 2  # broken.png, once per method
    [log] = (work / 'logs').iterdir()  # which method the progress bars are about
    assert 'method 1 of 2: Saliency' in log.read_text() and 'method 2 of 2: Random' in \
        log.read_text()
    assert not external_urls(page)


PROBE_HEAD = """<script>var probeErrors = [];
window.onerror = function (m) { probeErrors.push(String(m)); };
var consoleError = console.error;
console.error = function () { probeErrors.push([].join.call(arguments, ' '));
  consoleError.apply(console, arguments); };</script>"""

#: loads the page, then records errors, images, the cards of the first and
#: second page, and the column 1 of TABLE (where there is one) sorted up and down
PROBE = """<script>window.addEventListener('load', function () {
  var out = {errors: probeErrors};
  out.images = [].map.call(document.images, function (i) {
    return i.complete && i.naturalWidth > 0; });
  var names = function () { return [].map.call(document.querySelectorAll('#grid .card'),
    function (c) { return c.getAttribute('data-name'); }); };
  out.first = names();
  document.getElementById('next').click();
  out.second = names();
  var table = document.querySelector('TABLE');
  if (table) {
    var th = table.querySelector('th[data-col="1"]');
    var column = function () { return [].map.call(table.querySelectorAll('tbody tr'),
      function (r) { return parseFloat(r.cells[1].getAttribute('data-v')); }); };
    out.before = column(); th.click(); out.up = column(); th.click(); out.down = column();
  }
  var pre = document.createElement('pre'); pre.id = 'probe';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
});</script>"""

needs_chromium = pytest.mark.skipif(
    shutil.which('chromium') is None,
    reason="Debian's chromium is not installed (apt-get install chromium)")


def open_in_chromium(path, table, tmp_path):
    """Open the page ``path`` in headless Chromium with :data:`PROBE`
    (sorting the table of the CSS selector ``table``); save a screenshot
    beside it; returns ``(probe results, the DOM after the script ran)``."""
    text = path.read_text(encoding='utf-8')
    probed = path.with_name('probed.html')
    probed.write_text(text.replace('<head>', '<head>' + PROBE_HEAD, 1).replace(
        '</body>', PROBE.replace('TABLE', table) + '</body>', 1), encoding='utf-8')
    browser = ['chromium', '--headless', '--no-sandbox', '--disable-gpu',
               '--disable-background-networking', '--no-first-run',
               f'--user-data-dir={tmp_path / "profile"}']
    dom = subprocess.run(browser + ['--dump-dom', probed.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    subprocess.run(browser + [f'--screenshot={path.with_suffix(".png")}',
                              '--window-size=1200,1600', path.as_uri()],
                   capture_output=True, timeout=60)
    assert path.with_suffix('.png').stat().st_size > 10_000  # a page was drawn
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(html.unescape(found.group(1))), dom


def assert_sorts(out):
    assert sorted(out['before']) == sorted(out['up']) and len(out['up']) >= 2
    assert out['up'] == sorted(out['up']) and out['down'] == sorted(out['down'], reverse=True)


@needs_chromium
def test_report_in_headless_chromium(tmp_path, monkeypatch):
    work = image_run(tmp_path, monkeypatch)
    path = write_report(str(work), page_size=1)
    out, dom = open_in_chromium(work / REPORT, '#per-sample', tmp_path)
    assert out['errors'] == []
    assert out['images'] and all(out['images'])
    assert out['first'] == ['img0'] and out['second'] == ['img1']
    meta = json.load(open(work / 'meta' / 'img1.json'))  # the page drawn by the script
    assert f"{NAMES[meta['target']]} ({meta['target']}), p = " \
        f"{meta['target_probability']:.3f}" in html.unescape(dom)
    record = json.load(open(work / 'eval_input_masks' / 'insertion_deletion' / 'img1.json'))
    assert f"{record['insertion_auc']:.4g}" in dom
    assert path.endswith(REPORT)
    assert_sorts(out)


@needs_chromium
def test_compare_report_in_headless_chromium(tmp_path, monkeypatch):
    work = compare_run(tmp_path, monkeypatch)
    out, dom = open_in_chromium(work / REPORT, 'table.methods', tmp_path)
    assert out['errors'] == []
    assert len(out['images']) == 7 and all(out['images'])  # 2 x 3 thumbnails, a curve
    assert out['first'] == ['img0', 'img1']
    assert 'Saliency minus' in dom and 'Random' in dom
    assert_sorts(out)  # the methods by insertion AUC


@needs_chromium
@requires_shared_data
def test_text_report_in_headless_chromium(tmp_path):
    work = text_run(tmp_path)
    out, dom = open_in_chromium(work / REPORT, '#per-sample', tmp_path)
    assert out['errors'] == []
    assert out['images'] == []  # documents: no pictures
    assert len(out['first']) == 2
    assert 'class="rat"' in dom and 'opacity = the value, clipped to [0, 1]' in dom
    assert re.search(r'target (NEG|POS) \(\d\), p = 0\.\d{3}', dom)


def test_the_tool_rebuilds_a_report_with_class_names(tmp_path, capsys):
    from input_iba.tools.report import main
    for folder in ('input_masks', 'meta'):
        (tmp_path / folder).mkdir()
    np.save(tmp_path / 'input_masks' / 'a.npy', np.full((4, 4), 0.5, np.float32))
    (tmp_path / 'meta' / 'a.json').write_text(json.dumps(
        dict(name='a', target=1, prediction=1, label=-1, target_probability=0.9)))
    index = tmp_path / 'index.json'
    index.write_text(json.dumps({'0': ['n01440764', 'tench'], '1': ['n01443537', 'goldfish']}))
    path = main('r', ['--work-dir', str(tmp_path), '--class-names', str(index)])
    assert capsys.readouterr().out.strip() == f'Report: {path}'
    assert 'goldfish (1), p = 0.900' in ' '.join(Page(open(path).read()).text.split())
    with pytest.raises(FileNotFoundError, match='No input_masks/'):
        main('r', ['--work-dir', str(tmp_path / 'missing')])


@needs_chromium
@requires_shared_data
def test_the_demos_report_in_headless_chromium(tmp_path):
    """The demo's photos, model and ImageNet names (Saliency instead of the
    demo's InputIBA, to be quick): four named photos with probabilities,
    their masks and a colour bar, without errors in the browser."""
    import os.path as osp

    from tests.tools.helpers import REPO
    cfg = tmp_path / 'demo.py'
    cfg.write_text(f"_base_ = [{osp.join(REPO, 'configs/demo/input_iba_skimage_photos.py')!r}]\n"
                   "attributor = dict(_delete_=True, type='Saliency')\n")
    work = tmp_path / 'demo'
    train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    out, dom = open_in_chromium(work / REPORT, '#per-sample', tmp_path)
    assert out['errors'] == []
    assert out['first'] == ['astronaut', 'chelsea', 'coffee', 'rocket']
    assert len(out['images']) == 8 and all(out['images'])  # each photo and its mask
    dom = html.unescape(dom)
    coffee = json.load(open(work / 'meta' / 'coffee.json'))
    assert (coffee['target'], coffee['target_name']) == (967, 'espresso')
    assert f"target espresso (967), p = {coffee['target_probability']:.3f}" in dom
    assert 'Egyptian_cat (285)' in dom
    assert 'class="bar"' in dom and 'jet: from the smallest value' in dom  # the colour bar
