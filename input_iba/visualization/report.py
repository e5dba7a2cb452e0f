"""``report.html``: one static page per work dir that a person opens to see
what a run explained.

The page holds the run record and config, a grid of cards (the input, its
masks, the explained and predicted classes), the
evaluations found in the work dir (summary, a sortable per-sample table,
mean curves) and the failures. Everything is inside the one file (thumbnails
as base64 JPEG, curves as base64 PNG, a few lines of plain JavaScript); the
logs are linked next to it. Only the first page of cards is in the document
when it opens; the others are kept as HTML strings in a JSON block and put
in place when their page is shown, so 1,000 samples stay quick to open.

Text masks are drawn on a fixed scale: a token's red opacity is its mask
value clipped to [0, 1] (0.5 is half opaque, whatever the document's
maximum). Image masks use the ``jet`` colour map with one scale per folder
for the whole run, so that samples compare: from the folder's smallest value
to the largest 99th percentile of one of its masks (a few spiky pixels, as
gradients have, do not darken every other sample; values above take the top
colour). The legend gives each folder's range.
"""
import base64
import datetime
import html
import io
import json
import os
import os.path as osp
import urllib.parse
from typing import Dict, List, Optional, Sequence

import cv2
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.config import Config  # noqa: E402

from input_iba.apis.builders import build_dataset  # noqa: E402
from input_iba.evaluation.catalogue import metrics  # noqa: E402
from input_iba.evaluation.plots import load_records, plot_metric  # noqa: E402
from input_iba.tools.prologue import matching  # noqa: E402
from input_iba.utils import read_json, read_jsonl, read_text, save_text  # noqa: E402
from input_iba.utils.layout import (  # noqa: E402
    CONFIG_DUMP,
    EXTRA_DIRS,
    FAILED,
    FEAT_DIR,
    INPUT_DIR,
    LOGS,
    META_DIR,
    RECORD,
    REPORT,
)

#: cards per page
PAGE_SIZE = 24
#: the long side of a thumbnail, in pixels
THUMB_SIZE = 112
#: the colour map of image masks
CMAP = 'jet'
#: the mask folders shown on a card, in this order, where present and 2-D
#: (the extras hold the generator's prior, ``gen_masks``)
MASK_FOLDERS = (FEAT_DIR, ) + EXTRA_DIRS + (INPUT_DIR, )
#: the percentile of each mask whose largest value over the run tops the colour scale
TOP_PERCENTILE = 99
#: the red of text highlights; its opacity is the mask value in [0, 1]
TEXT_RGB = (220, 30, 30)


def _data_uri(rgb: np.ndarray) -> str:
    ok, buf = cv2.imencode('.jpg', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise ValueError('could not encode a thumbnail')
    return 'data:image/jpeg;base64,' + base64.b64encode(buf.tobytes()).decode()


def _thumb(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    scale = THUMB_SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1
                      else cv2.INTER_NEAREST)


def run_ranges(work_dir: str, names: Sequence[str]) -> Dict[str, tuple]:
    """``{folder: (lo, hi)}``, the colour scale of each of
    :data:`MASK_FOLDERS` with 2-D masks: ``lo`` the smallest finite value of
    its masks over ``names``, ``hi`` the largest :data:`TOP_PERCENTILE`
    percentile of one of them."""
    ranges = {}
    for folder in MASK_FOLDERS:
        for name in names:
            path = osp.join(work_dir, folder, name + '.npy')
            if not osp.isfile(path):
                continue
            mask = np.squeeze(np.load(path, mmap_mode='r'))
            finite = mask[np.isfinite(mask)]
            if mask.ndim != 2 or not finite.size:
                continue
            lo, hi = ranges.get(folder, (np.inf, -np.inf))
            ranges[folder] = (min(lo, float(finite.min())),
                              max(hi, float(np.percentile(finite, TOP_PERCENTILE))))
    return ranges


def mask_thumbnail(mask: np.ndarray, image: Optional[np.ndarray], lo: float,
                   hi: float) -> str:
    """A 2-D ``mask`` in the colour map from ``lo`` to ``hi``, blended half
    over ``image`` (uint8 ``H x W x 3``) when given, as a JPEG data URI."""
    scaled = np.clip((mask - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(mask)
    colours = (matplotlib.colormaps[CMAP](np.nan_to_num(scaled))[..., :3] * 255)
    colours = colours.astype(np.uint8)
    if image is None:
        return _data_uri(_thumb(colours))
    image = _thumb(image)
    colours = cv2.resize(colours, (image.shape[1], image.shape[0]),
                         interpolation=cv2.INTER_LINEAR)
    return _data_uri((0.5 * image + 0.5 * colours).astype(np.uint8))


def colour_bar_css() -> str:
    """The CSS gradient of :data:`CMAP`, from the bottom of a scale (left) to
    its top."""
    stops = []
    for i in range(11):
        r, g, b, _ = matplotlib.colormaps[CMAP](i / 10)
        stops.append(f'rgb({round(r * 255)},{round(g * 255)},{round(b * 255)}) {i * 10}%')
    return 'linear-gradient(to right, ' + ', '.join(stops) + ')'


def text_colour(value: float) -> str:
    """The CSS colour of a token with mask ``value``: :data:`TEXT_RGB` at
    opacity ``clip(value, 0, 1)``."""
    r, g, b = TEXT_RGB
    return f'rgba({r}, {g}, {b}, {min(max(value, 0.0), 1.0):.3f})'


def token_html(tokens: Sequence[str], values: np.ndarray,
               rationale: Optional[Sequence[int]] = None) -> str:
    """Tokens coloured by :func:`text_colour` (the value on hover); tokens
    of the human rationale underlined."""
    spans = []
    for i, token in enumerate(tokens):
        v = float(values[i]) if i < len(values) else 0.0
        mark = ' class="rat"' if rationale is not None and i < len(rationale) and \
            rationale[i] else ''
        spans.append(f'<span{mark} title="{v:.4f}" style="background:{text_colour(v)}">'
                     f'{html.escape(str(token))}</span>')
    return ' '.join(spans)


def class_names_of(dataset) -> Optional[List[str]]:
    """The dataset's ``class_names``, else its ``LABELS`` (``{name: class}``)
    turned round, else None."""
    names = getattr(dataset, 'class_names', None)
    if names:
        return list(names)
    labels = getattr(dataset, 'LABELS', None)
    if labels:
        out = [''] * (max(labels.values()) + 1)
        for name, index in labels.items():
            out[index] = name
        return out
    return None


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


def _class_label(index, names) -> str:
    if index is None or index < 0:
        return '—'
    if names and index < len(names) and names[index]:
        return f'{names[index]} ({index})'
    return f'class {index}'


def _evaluations(work_dir: str) -> Dict[str, Dict[str, type]]:
    """``{folder: {metric: evaluator class}}`` of the work dir's sub-folders
    that hold a metric's summary ``<metric>.json``."""
    known = metrics()
    found = {}
    for entry in sorted(os.listdir(work_dir)):
        folder = osp.join(work_dir, entry)
        if osp.isdir(folder):
            present = {m: cls for m, cls in known.items()
                       if osp.isfile(osp.join(folder, m + '.json'))}
            if present:
                found[entry] = present
    return found


def _curve_uri(folder: str, metric: str) -> Optional[str]:
    fig, ax = plt.subplots(figsize=(3.6, 2.4))
    try:
        if plot_metric(folder, metric, ax=ax) is None:
            return None
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_size(8)
        ax.yaxis.label.set_size(8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format='png', dpi=80)
        return 'data:image/png;base64,' + base64.b64encode(buf.getvalue()).decode()
    finally:
        plt.close(fig)


def _number(value) -> Optional[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            np.isfinite(value):
        return float(value)
    return None


def _fmt(value) -> str:
    return '—' if value is None else f'{value:.4g}'


def _metric_sections(work_dir: str, names: List[str]) -> tuple:
    """The summary table, the per-sample table and the curves (HTML)."""
    evaluations = _evaluations(work_dir)
    if not evaluations:
        return ('<p>No evaluation in this work dir (tools/vision/evaluate.py or '
                'tools/nlp/evaluate_nlp.py writes one).</p>', '', '')
    prefix = len(evaluations) > 1
    summary_rows, columns, per_sample, curves = [], [], {}, []
    for folder, present in evaluations.items():
        path = osp.join(work_dir, folder)
        for metric, cls in present.items():
            summary = read_json(osp.join(path, metric + '.json'), f'the {metric} summary')
            for key, title, higher in cls.columns:
                stats = summary.get(key) or {}
                ci = stats.get('ci95') or [None, None]
                label = f'{folder}: {title}' if prefix else title
                interval = '—' if ci[0] is None else f'{_fmt(ci[0])} – {_fmt(ci[1])}'
                summary_rows.append(
                    f'<tr><td>{html.escape(label)} {"↑" if higher else "↓"}</td>'
                    f'<td>{_fmt(stats.get("mean"))}</td><td>{interval}</td>'
                    f'<td>{stats.get("n", 0)}</td></tr>')
                columns.append(f'{html.escape(label)} {"↑" if higher else "↓"}')
                col = len(columns) - 1
                for record in load_records(path, metric):
                    per_sample.setdefault(record.get('name'), {})[col] = _number(
                        record.get(key))
            uri = _curve_uri(path, metric)
            if uri:
                curves.append(f'<figure><img src="{uri}" alt="{html.escape(metric)} curve">'
                              f'<figcaption>{html.escape(folder)}: {html.escape(metric)}'
                              '</figcaption></figure>')
    summary = ('<table class="summary"><thead><tr><th>metric</th><th>mean</th>'
               '<th>95% CI</th><th>n</th></tr></thead><tbody>' + ''.join(summary_rows) +
               '</tbody></table>')
    head = ''.join(f'<th data-col="{i + 1}">{c}</th>' for i, c in enumerate(columns))
    rows = []
    for name in names:
        if name not in per_sample:
            continue
        values = per_sample[name]
        cells = ''.join(
            f'<td data-v="{"" if values.get(i) is None else values[i]}">'
            f'{_fmt(values.get(i))}</td>' for i in range(len(columns)))
        rows.append(f'<tr><td data-v="{html.escape(name)}"><a href="#" class="goto" '
                    f'data-name="{html.escape(name)}">{html.escape(name)}</a></td>{cells}</tr>')
    table = ('<p class="hint">Click a column title to sort; click a name to see its '
             'card.</p><table id="per-sample" class="sortable"><thead><tr>'
             f'<th data-col="0">sample</th>{head}</tr></thead><tbody>{"".join(rows)}'
             '</tbody></table>')
    return summary, table, '<div class="curves">' + ''.join(curves) + '</div>'


def _load_dataset(cfg: Optional[Config]):
    """The attributed dataset of ``cfg`` and a note when it cannot be built."""
    if cfg is None or 'data' not in cfg or 'attribute' not in cfg.data:
        return None, 'no config with data.attribute: masks are shown without their inputs'
    try:
        return build_dataset(cfg.data.attribute), ''
    except Exception as err:  # noqa: BLE001 - the page is still worth writing
        return None, (f'the dataset could not be built ({err}): masks are shown '
                      'without their inputs')


def _views(work_dir: str, name: str) -> str:
    """Links to the visualizer's own files of the sample (the full-size
    ``.png`` overlay, the ``.html`` document page), relative to the page."""
    links = []
    for ext, what in (('.png', 'full size'), ('.html', 'document page')):
        if osp.isfile(osp.join(work_dir, INPUT_DIR, name + ext)):
            href = urllib.parse.quote(f'{INPUT_DIR}/{name}{ext}')
            links.append(f'<a href="{html.escape(href)}">{what}</a>')
    return f'<div class="small">{" · ".join(links)}</div>' if links else ''


def _card(name: str, meta: dict, item: Optional[dict], masks: Dict[str, np.ndarray],
          names: Optional[List[str]], ranges: Dict[str, tuple], views: str) -> str:
    target, prediction = meta.get('target'), meta.get('prediction')

    def probability(key):
        value = meta.get(key)
        return f', p = {value:.3f}' if isinstance(value, float) else ''

    lines = [f'<div class="cls"><b>target</b> {html.escape(_class_label(target, names))}'
             + probability('target_probability') + '</div>']
    if prediction is not None:
        wrong = ' class="other"' if prediction != target else ''
        lines.append(f'<div{wrong}><b>predicted</b> '
                     f'{html.escape(_class_label(prediction, names))}'
                     + probability('prediction_probability') + '</div>')
    label = meta.get('label')
    if isinstance(label, int) and label >= 0:
        lines.append(f'<div><b>label</b> {html.escape(_class_label(label, names))}</div>')
    if isinstance(meta.get('seconds'), (int, float)):
        lines.append(f'<div class="small">{meta["seconds"]:.2f} s</div>')
    if item is not None and 'tokens' in item:
        values = np.asarray(masks.get(INPUT_DIR, np.zeros(0)), dtype=np.float64).ravel()
        body = (f'<div class="doc">{token_html(item["tokens"], values, item.get("rationale"))}'
                '</div>')
    else:
        image = item.get('image') if item is not None else None
        figs = []
        if image is not None:
            figs.append(f'<figure><img src="{_data_uri(_thumb(image))}" alt="input">'
                        '<figcaption>input</figcaption></figure>')
        for folder, mask in masks.items():
            if folder in ranges:
                figs.append(f'<figure><img src="{mask_thumbnail(mask, image, *ranges[folder])}"'
                            f' alt="{folder}"><figcaption>{folder}</figcaption></figure>')
        body = '<div class="thumbs">' + ''.join(figs) + '</div>'
    return (f'<div class="card" data-name="{html.escape(name)}"><div class="name">'
            f'{html.escape(name)}</div>{body}{"".join(lines)}{views}</div>')


def _masks(work_dir: str, name: str) -> Dict[str, np.ndarray]:
    out = {}
    for folder in MASK_FOLDERS:
        path = osp.join(work_dir, folder, name + '.npy')
        if osp.isfile(path):
            out[folder] = np.squeeze(np.load(path)).astype(np.float32)
    return out


def _run_section(work_dir: str, cfg: Optional[Config], metas: List[dict]) -> str:
    record_path = osp.join(work_dir, RECORD)
    record = read_json(record_path, 'the run record') if osp.isfile(record_path) else {}
    rows = list(record.items())
    if cfg is not None:
        rows += [(key, cfg.get(key)) for key in ('seed', 'device')
                 if key not in record and key in cfg]
    seconds = [m['seconds'] for m in metas if isinstance(m.get('seconds'), (int, float))]
    if seconds:
        rows.append(('seconds per sample', f'mean {np.mean(seconds):.3f}, median '
                     f'{np.median(seconds):.3f}, max {np.max(seconds):.3f} '
                     f'({len(seconds)} samples)'))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    rows.append(('report written', stamp))
    table = ''.join(f'<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>'
                    for k, v in rows)
    logs = matching(work_dir, LOGS)
    links = ', '.join(f'<a href="{html.escape(f)}">{html.escape(f)}</a>' for f in logs)
    config_path = osp.join(work_dir, CONFIG_DUMP)
    config = (f'<details><summary>config.py</summary><pre>'
              f'{html.escape(read_text(config_path))}</pre></details>'
              if osp.isfile(config_path) else '')
    return f'<table class="run">{table}</table>' + (
        f'<p>Logs: {links}</p>' if links else '') + config


def _failures(work_dir: str) -> str:
    path = osp.join(work_dir, FAILED)
    records = read_jsonl(path) if osp.isfile(path) else []
    if not records:
        return '<p>None in the last run.</p>'
    return '<ul>' + ''.join(f'<li><b>{html.escape(str(r.get("name")))}</b>: '
                            f'{html.escape(str(r.get("reason")))}</li>'
                            for r in records) + '</ul>'


def write_report(work_dir: str, cfg: Optional[Config] = None,
                 class_names: Optional[Sequence[str]] = None,
                 page_size: int = PAGE_SIZE) -> str:
    """Write ``<work_dir>/report.html`` (see the module doc); returns its path.

    ``cfg``: the run's config (default: the work dir's ``config.py``), used
    to load the inputs and the dataset's class names. ``class_names``:
    names by class index, when the dataset has none (e.g. ImageNet's for
    photos explained with an ImageNet model)."""
    if page_size < 1:
        raise ValueError(f'page_size must be at least 1, got {page_size}.')
    if not osp.isdir(osp.join(work_dir, INPUT_DIR)):
        raise FileNotFoundError(f'No {INPUT_DIR}/ in {work_dir}: run tools/vision/train.py '
                                'or tools/nlp/train_nlp.py first.')
    dump = osp.join(work_dir, CONFIG_DUMP)
    note = ''
    if cfg is None and osp.isfile(dump):
        try:
            cfg = Config.fromfile(dump)
        except Exception as err:  # noqa: BLE001 - e.g. a custom import not on the path
            note = f'{dump} could not be read ({err}); '
    dataset, why = _load_dataset(cfg)
    note += why
    if class_names is None and dataset is not None:
        class_names = class_names_of(dataset)
    names = sorted(f[:-4] for f in os.listdir(osp.join(work_dir, INPUT_DIR))
                   if f.endswith('.npy'))
    index = {} if dataset is None else {dataset.sample_name(i): i
                                        for i in range(len(dataset))}
    ranges = run_ranges(work_dir, names)
    cards, metas, text = [], [], False
    for name in names:
        meta_path = osp.join(work_dir, META_DIR, name + '.json')
        meta = read_json(meta_path, 'a sample meta') if osp.isfile(meta_path) else {}
        metas.append(meta)
        item = None
        if name in index:
            try:
                item = dataset[index[name]]
            except Exception:  # noqa: BLE001 - the card shows the masks alone
                item = None
        text = text or (item is not None and 'tokens' in item)
        cards.append(_card(name, meta, item, _masks(work_dir, name), class_names,
                           ranges, _views(work_dir, name)))
    summary, per_sample, curves = _metric_sections(work_dir, names)
    legend = ('<div class="legend">mask value ' + ' '.join(
        f'<span class="tok" style="background:{text_colour(v)}">{v}</span>'
        for v in (0, 0.25, 0.5, 0.75, 1)) + ' (opacity = the value, clipped to [0, 1]); '
        '<span class="rat">underlined</span>: human rationale</div>' if text else
              '<table class="legend">' + ''.join(
                  f'<tr><td>{folder}</td><td>{lo:.3g}</td><td><span class="bar" style='
                  f'"background:{colour_bar_css()}"></span></td><td>{hi:.3g}</td></tr>'
                  for folder, (lo, hi) in ranges.items()) + '</table><p class="small">'
              f'{CMAP}: from the smallest value of the folder over the run to the largest '
              f'{TOP_PERCENTILE}th percentile of one of its masks; values above take the top '
              'colour.</p>')
    pages = max(1, -(-len(cards) // page_size))
    # no '<' in the script block: nothing in it can close it or open a comment
    data = json.dumps(dict(names=names, cards=cards)).replace('<', '\\u003c')
    extra = f'<p class="note">{html.escape(note)}</p>' if note else ''
    page = _TEMPLATE.format(
        title=html.escape(osp.basename(osp.abspath(work_dir))), run=_run_section(
            work_dir, cfg, metas), count=len(cards), legend=legend, note=extra,
        first=''.join(cards[:page_size]), pages=pages, page_size=page_size, data=data,
        summary=summary, per_sample=per_sample, curves=curves,
        failures=_failures(work_dir), script=_SCRIPT)
    path = osp.join(work_dir, REPORT)
    save_text(path, page)
    return path


def refresh_report(work_dir: str, logger=None) -> Optional[str]:
    """:func:`write_report` at the end of a tool: prints the page's path, and
    on an error warns (the run's results stand) instead of failing the run."""
    try:
        path = write_report(work_dir)
    except Exception as err:  # noqa: BLE001 - a report must not fail a finished run
        message = f'report.html not written: {err}'
        logger.warning(message) if logger is not None else print(message)
        return None
    print(f'Report: {path}')
    return path


_SCRIPT = '''
(function () {
  var data = JSON.parse(document.getElementById('cards-data').textContent);
  var cards = data.cards, names = data.names;
  var size = PAGE_SIZE, page = 0, pages = Math.max(1, Math.ceil(cards.length / size));
  var grid = document.getElementById('grid'), label = document.getElementById('page');
  function show(p) {
    page = Math.min(Math.max(p, 0), pages - 1);
    grid.innerHTML = cards.slice(page * size, (page + 1) * size).join('');
    label.textContent = 'page ' + (page + 1) + ' of ' + pages;
  }
  document.getElementById('prev').onclick = function () { show(page - 1); };
  document.getElementById('next').onclick = function () { show(page + 1); };
  document.querySelectorAll('a.goto').forEach(function (a) {
    a.onclick = function (e) {
      e.preventDefault();
      var name = a.getAttribute('data-name');
      show(Math.floor(names.indexOf(name) / size));
      Array.prototype.forEach.call(grid.children, function (card) {
        if (card.getAttribute('data-name') === name) {
          card.classList.add('hit');
          card.scrollIntoView();
        }
      });
    };
  });
  document.querySelectorAll('table.sortable th').forEach(function (th) {
    th.onclick = function () {
      var table = th.closest('table'), body = table.tBodies[0];
      var col = +th.getAttribute('data-col'), up = th.getAttribute('data-dir') !== 'up';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', up ? 'up' : 'down');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        if (x === '' || y === '') { return (x === '') - (y === ''); }
        var d = col === 0 ? x.localeCompare(y) : parseFloat(x) - parseFloat(y);
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
  });
})();
'''

_TEMPLATE = '''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>input_iba report: {title}</title>
<style>
body {{ font-family: sans-serif; margin: 1em 2em; color: #222; }}
table {{ border-collapse: collapse; font-size: 13px; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: left; }}
table.sortable th {{ cursor: pointer; background: #f2f2f2; }}
th[data-dir=up]::after {{ content: " ▲"; }} th[data-dir=down]::after {{ content: " ▼"; }}
#grid {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.card {{ border: 1px solid #bbb; border-radius: 4px; padding: 6px; font-size: 12px;
  max-width: 40em; }}
.card.hit {{ outline: 3px solid #e80; }}
.card .name {{ font-weight: bold; word-break: break-all; }}
.thumbs {{ display: flex; gap: 4px; }}
figure {{ margin: 0; text-align: center; }} figcaption {{ font-size: 11px; }}
.doc {{ line-height: 1.9; max-height: 18em; overflow-y: auto; font-size: 13px; }}
.rat {{ border-bottom: 2px solid #1a5fd0; }}
.tok {{ padding: 0 4px; border: 1px solid #ddd; }}
.small {{ color: #666; font-size: 11px; }}
.other {{ color: #b00; }}
table.legend td {{ border: none; padding: 0 4px; }}
.bar {{ display: inline-block; width: 12em; height: 0.9em; vertical-align: middle; }}
.curves {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.note {{ color: #b00; }} .hint {{ color: #666; font-size: 12px; }}
</style></head><body>
<h1>input_iba report: {title}</h1>
<h2>Run</h2>
{run}
<h2>Samples ({count})</h2>
{legend}
{note}
<p><button id="prev">◀ previous</button> <span id="page">page 1 of {pages}</span>
<button id="next">next ▶</button> <span class="small">{page_size} a page</span></p>
<div id="grid">{first}</div>
<h2>Metrics</h2>
{summary}
{curves}
{per_sample}
<h2>Failures</h2>
{failures}
<script type="application/json" id="cards-data">{data}</script>
<script>var PAGE_SIZE = {page_size};{script}</script>
</body></html>
'''
