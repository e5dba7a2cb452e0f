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

Text masks are drawn on a fixed scale (:mod:`.text`: a token's red opacity
is its mask value clipped to [0, 1]), image masks on one scale per folder for
the whole run (:mod:`.colour_scales`); the legend says which.
"""
import base64
import datetime
import glob
import html
import io
import json
import os
import os.path as osp
import re
import urllib.parse
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.config import Config  # noqa: E402

from input_iba.apis.builders import build_dataset  # noqa: E402
from input_iba.datasets.class_names import class_names_of  # noqa: E402
from input_iba.evaluation.catalogue import metrics  # noqa: E402
from input_iba.evaluation.plots import load_records, plot_metric  # noqa: E402
from input_iba.utils import read_json, read_jsonl, read_text, save_text  # noqa: E402
from input_iba.utils.layout import EXTRA_DIRS, FEAT_DIR, INPUT_DIR, REPORT, WorkDir  # noqa: E402

from .captions import meta_class  # noqa: E402
from .colour_scales import CMAP, SCALE_NOTE, colour_bar_css, run_ranges  # noqa: E402
from .text import RATIONALE_CSS, text_legend_html, token_html  # noqa: E402

#: cards per page
PAGE_SIZE = 24
#: the long side of a thumbnail, in pixels
THUMB_SIZE = 112
#: the mask folders shown on a card, in this order, where present and 2-D
#: (the extras hold the generator's prior, ``gen_masks``)
MASK_FOLDERS = (FEAT_DIR, ) + EXTRA_DIRS + (INPUT_DIR, )


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


def _evaluations(folders: Dict[str, str]) -> Dict[str, Tuple[str, Dict[str, type]]]:
    """``{label: (folder, {metric: evaluator class})}`` of those of
    ``folders`` (``{label: path}``) that hold a metric's summary
    ``<metric>.json``."""
    known = metrics()
    found = {}
    for label, folder in folders.items():
        present = {m: cls for m, cls in known.items()
                   if osp.isfile(osp.join(folder, m + '.json'))}
        if present:
            found[label] = (folder, present)
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


def _figure(uri: str, metric: str, caption: str) -> str:
    return (f'<figure><img src="{uri}" alt="{html.escape(metric)} curve"><figcaption>'
            f'{html.escape(caption)}</figcaption></figure>')


def _png_uri(path: str) -> str:
    with open(path, 'rb') as f:
        return 'data:image/png;base64,' + base64.b64encode(f.read()).decode()


def _number(value) -> Optional[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            np.isfinite(value):
        return float(value)
    return None


def _fmt(value) -> str:
    return '—' if value is None else f'{value:.4g}'


def _columns(evaluations) -> List[tuple]:
    """``(label, folder, metric, summary key, column title)`` of every
    column of ``evaluations``; titles name the label when there are several
    and say which direction is better."""
    several = len(evaluations) > 1
    return [(label, folder, metric, key,
             f'{label}: {title}' if several else title) + (f' {"↑" if up else "↓"}', )
            for label, (folder, present) in evaluations.items()
            for metric, cls in present.items() for key, title, up in cls.columns]


def _summary_table(evaluations) -> str:
    rows = []
    for _, folder, metric, key, title, arrow in _columns(evaluations):
        summary = read_json(osp.join(folder, metric + '.json'), f'the {metric} summary')
        stats = summary.get(key) or {}
        ci = stats.get('ci95') or [None, None]
        interval = '—' if ci[0] is None else f'{_fmt(ci[0])} – {_fmt(ci[1])}'
        rows.append(f'<tr><td>{html.escape(title)}{arrow}</td><td>{_fmt(stats.get("mean"))}'
                    f'</td><td>{interval}</td><td>{stats.get("n", 0)}</td></tr>')
    return ('<table class="summary"><thead><tr><th>metric</th><th>mean</th>'
            '<th>95% CI</th><th>n</th></tr></thead><tbody>' + ''.join(rows) +
            '</tbody></table>')


def _per_sample_table(evaluations, names: Sequence[str]) -> str:
    """The sortable table of every sample's value of every column."""
    columns = _columns(evaluations)
    values = {}
    records = {}
    for col, (_, folder, metric, key, _, _) in enumerate(columns):
        if (folder, metric) not in records:
            records[folder, metric] = load_records(folder, metric)
        for record in records[folder, metric]:
            values.setdefault(record.get('name'), {})[col] = _number(record.get(key))
    head = ''.join(f'<th data-col="{i + 1}">{html.escape(c[4])}{c[5]}</th>'
                   for i, c in enumerate(columns))
    rows = []
    for name in names:
        if name not in values:
            continue
        cells = ''.join(
            f'<td data-v="{"" if values[name].get(i) is None else values[name][i]}">'
            f'{_fmt(values[name].get(i))}</td>' for i in range(len(columns)))
        rows.append(f'<tr><td data-v="{html.escape(name)}"><a href="#" class="goto" '
                    f'data-name="{html.escape(name)}">{html.escape(name)}</a></td>{cells}</tr>')
    return ('<p class="hint">Click a column title to sort; click a name to see its '
            'card.</p><table id="per-sample" class="sortable"><thead><tr>'
            f'<th data-col="0">sample</th>{head}</tr></thead><tbody>{"".join(rows)}'
            '</tbody></table>')


NO_EVALUATION = ('<p>No evaluation in this work dir (tools/vision/evaluate.py or '
                 'tools/nlp/evaluate_nlp.py writes one).</p>')


def _metric_sections(work_dir: str, names: List[str]) -> tuple:
    """The summary table, the per-sample table and the curves (HTML) of the
    work dir's sub-folders that hold an evaluation."""
    evaluations = _evaluations({entry: osp.join(work_dir, entry)
                                for entry in sorted(os.listdir(work_dir))
                                if osp.isdir(osp.join(work_dir, entry))})
    if not evaluations:
        return NO_EVALUATION, '', ''
    curves = []
    for label, (folder, present) in evaluations.items():
        for metric in present:
            uri = _curve_uri(folder, metric)
            if uri:
                curves.append(_figure(uri, metric, f'{label}: {metric}'))
    return (_summary_table(evaluations), _per_sample_table(evaluations, names),
            '<div class="curves">' + ''.join(curves) + '</div>')


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
        if osp.isfile(WorkDir(work_dir).mask(name, ext=ext)):
            href = urllib.parse.quote(f'{INPUT_DIR}/{name}{ext}')
            links.append(f'<a href="{html.escape(href)}">{what}</a>')
    return f'<div class="small">{" · ".join(links)}</div>' if links else ''


def _class_lines(meta: dict, names: Optional[Sequence[str]]) -> str:
    """The card's explained class and probability, the predicted class (red
    when it differs), the label when known and the seconds."""
    lines = [f'<div class="cls">{html.escape(meta_class(meta, "target", names))}</div>']
    if meta.get('prediction') is not None:
        wrong = ' class="other"' if meta['prediction'] != meta.get('target') else ''
        lines.append(f'<div{wrong}>{html.escape(meta_class(meta, "prediction", names))}</div>')
    if isinstance(meta.get('label'), int) and meta['label'] >= 0:
        lines.append(f'<div>{html.escape(meta_class(meta, "label", names))}</div>')
    if isinstance(meta.get('seconds'), (int, float)):
        lines.append(f'<div class="small">{meta["seconds"]:.2f} s</div>')
    return ''.join(lines)


def _document(item: dict, mask: Optional[np.ndarray], caption: str = '') -> str:
    values = np.asarray(mask if mask is not None else np.zeros(0), np.float64).ravel()
    head = f'<div class="small">{html.escape(caption)}</div>' if caption else ''
    return (f'<div class="doc">{head}{token_html(item["tokens"], values, item.get("rationale"))}'
            '</div>')


def _thumbs(image: Optional[np.ndarray], masks: Dict[str, np.ndarray],
            ranges: Dict[str, tuple]) -> str:
    """The input and each of ``masks`` (``{caption: mask}``) that has a
    colour scale in ``ranges``, as figures."""
    figs = []
    if image is not None:
        figs.append(f'<figure><img src="{_data_uri(_thumb(image))}" alt="input">'
                    '<figcaption>input</figcaption></figure>')
    for caption, mask in masks.items():
        if caption in ranges:
            figs.append(f'<figure><img src="{mask_thumbnail(mask, image, *ranges[caption])}"'
                        f' alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}'
                        '</figcaption></figure>')
    return '<div class="thumbs">' + ''.join(figs) + '</div>'


def _card(name: str, body: str, lines: str, views: str = '') -> str:
    return (f'<div class="card" data-name="{html.escape(name)}"><div class="name">'
            f'{html.escape(name)}</div>{body}{lines}{views}</div>')


def _masks(work_dir: str, name: str, folders: Sequence[str] = MASK_FOLDERS
           ) -> Dict[str, np.ndarray]:
    out = {}
    for folder in folders:
        path = WorkDir(work_dir).mask(name, folder)
        if osp.isfile(path):
            out[folder] = np.squeeze(np.load(path)).astype(np.float32)
    return out


def _meta(run_dir: str, name: str) -> dict:
    path = WorkDir(run_dir).meta(name)
    return read_json(path, 'a sample meta') if osp.isfile(path) else {}


def _seconds_row(label: str, metas: Sequence[dict]) -> List[tuple]:
    seconds = [m['seconds'] for m in metas if isinstance(m.get('seconds'), (int, float))]
    if not seconds:
        return []
    return [(label, f'mean {np.mean(seconds):.3f}, median {np.median(seconds):.3f}, max '
             f'{np.max(seconds):.3f} ({len(seconds)} samples)')]


def _logs(work_dir: str) -> List[str]:
    """The logs of the work dir's runs and of the evaluations inside it
    (``logs/*`` and ``*/logs/*``), relative to it."""
    found = glob.glob(osp.join(WorkDir(work_dir).logs, '*')) + glob.glob(
        osp.join(WorkDir(osp.join(work_dir, '*')).logs, '*'))
    return sorted(osp.relpath(f, work_dir).replace(os.sep, '/') for f in found)


def _run_section(work_dir: str, cfg: Optional[Config], seconds: List[tuple]) -> str:
    """The run record, the seed and device, ``seconds`` (rows of the time
    per sample), the time of the page, the links to the logs and the config."""
    record_path = WorkDir(work_dir).record
    record = read_json(record_path, 'the run record') if osp.isfile(record_path) else {}
    rows = list(record.items())
    if cfg is not None:
        rows += [(key, cfg.get(key)) for key in ('seed', 'device')
                 if key not in record and key in cfg]
    rows += seconds
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    rows.append(('report written', stamp))
    table = ''.join(f'<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>'
                    for k, v in rows)
    links = ', '.join(f'<a class="log" href="{html.escape(urllib.parse.quote(f))}">'
                      f'{html.escape(f)}</a>' for f in _logs(work_dir))
    config_path = WorkDir(work_dir).config_dump
    config = (f'<details><summary>config.py</summary><pre>'
              f'{html.escape(read_text(config_path))}</pre></details>'
              if osp.isfile(config_path) else '')
    return f'<table class="run">{table}</table>' + (
        f'<p>Logs, one per run: {links}</p>' if links else '') + config


def _failures(run_dirs: Dict[str, str]) -> str:
    """The samples of each run dir's ``failed.jsonl`` (``{label: dir}``; the
    label names the run when there are several) with their reasons."""
    items = []
    for label, run_dir in run_dirs.items():
        path = WorkDir(run_dir).failed
        where = f'{label}: ' if len(run_dirs) > 1 else ''
        items += [f'<li>{html.escape(where)}<b>{html.escape(str(r.get("name")))}</b>: '
                  f'{html.escape(str(r.get("reason")))}</li>'
                  for r in (read_jsonl(path) if osp.isfile(path) else [])]
    return '<ul>' + ''.join(items) + '</ul>' if items else '<p>None in the last run.</p>'


def _image_legend(ranges: Dict[str, tuple]) -> str:
    """Each scale's range on the colour bar, and how the scales are chosen."""
    return ('<table class="legend">' + ''.join(
        f'<tr><td>{html.escape(label)}</td><td>{lo:.3g}</td><td><span class="bar" style='
        f'"background:{colour_bar_css()}"></span></td><td>{hi:.3g}</td></tr>'
        for label, (lo, hi) in ranges.items()) + f'</table><p class="small">{SCALE_NOTE}</p>')


def _read_config(work_dir: str, cfg: Optional[Config]) -> tuple:
    """``cfg``, else the work dir's config dump, and a note when that
    cannot be read."""
    dump = WorkDir(work_dir).config_dump
    if cfg is not None or not osp.isfile(dump):
        return cfg, ''
    try:
        return Config.fromfile(dump), ''
    except Exception as err:  # noqa: BLE001 - e.g. a custom import not on the path
        return None, f'{dump} could not be read ({err}); '


def _items(dataset, names: Sequence[str]) -> Dict[str, dict]:
    """The dataset's items of ``names`` that load (a card without its item
    shows the masks alone)."""
    if dataset is None:
        return {}
    index = {dataset.sample_name(i): i for i in range(len(dataset))}
    items = {}
    for name in names:
        if name in index:
            try:
                items[name] = dataset[index[name]]
            except Exception:  # noqa: BLE001 - the card shows the masks alone
                continue
    return items


def _mask_names(run_dir: str) -> List[str]:
    folder = WorkDir(run_dir).masks()
    return sorted(f[:-4] for f in os.listdir(folder) if f.endswith('.npy')) \
        if osp.isdir(folder) else []


def write_report(work_dir: str, cfg: Optional[Config] = None,
                 class_names: Optional[Sequence[str]] = None,
                 page_size: int = PAGE_SIZE) -> str:
    """Write ``<work_dir>/report.html`` (see the module doc); returns its path.

    ``cfg``: the run's config (default: the work dir's ``config.py``), used
    to load the inputs and the dataset's class names. ``class_names``:
    names by class index, when the dataset has none (e.g. ImageNet's for
    photos explained with an ImageNet model); without either, the names in
    ``meta/*.json``."""
    if page_size < 1:
        raise ValueError(f'page_size must be at least 1, got {page_size}.')
    if not osp.isdir(WorkDir(work_dir).masks()):
        raise FileNotFoundError(f'No {INPUT_DIR}/ in {work_dir}: run tools/vision/train.py '
                                'or tools/nlp/train_nlp.py first.')
    cfg, note = _read_config(work_dir, cfg)
    dataset, why = _load_dataset(cfg)
    note += why
    if class_names is None and dataset is not None:
        class_names = class_names_of(dataset)
    names = _mask_names(work_dir)
    items = _items(dataset, names)
    ranges = run_ranges(work_dir, names, MASK_FOLDERS)
    cards, metas = [], []
    for name in names:
        meta, item, masks = _meta(work_dir, name), items.get(name), _masks(work_dir, name)
        metas.append(meta)
        body = (_document(item, masks.get(INPUT_DIR)) if item is not None and 'tokens' in item
                else _thumbs(None if item is None else item.get('image'), masks, ranges))
        cards.append(_card(name, body, _class_lines(meta, class_names),
                           _views(work_dir, name)))
    text = any('tokens' in item for item in items.values())
    summary, per_sample, curves = _metric_sections(work_dir, names)
    return _write_page(
        work_dir, run=_run_section(work_dir, cfg, _seconds_row('seconds per sample', metas)),
        legend=text_legend_html() if text else _image_legend(ranges), note=note,
        names=names, cards=cards, page_size=page_size, summary=summary,
        per_sample=per_sample, curves=curves, failures=_failures({'': work_dir}))


def markdown_tables_html(markdown: str) -> str:
    """Markdown text of tables (as ``table.md``) as HTML: each table
    sortable by any column (a cell sorts by its first number, e.g. the mean
    of ``'0.412 ± 0.030'``), other lines as paragraphs."""
    out, rows = [], []

    def flush():
        if not rows:
            return
        head = ''.join(f'<th data-col="{i}">{html.escape(c)}</th>'
                       for i, c in enumerate(rows[0]))
        body = ''.join('<tr>' + ''.join(
            f'<td data-v="{html.escape(c) if i == 0 else _leading_number(c)}">'
            f'{html.escape(c)}</td>' for i, c in enumerate(row)) + '</tr>' for row in rows[2:])
        out.append(f'<table class="sortable methods"><thead><tr>{head}</tr></thead>'
                   f'<tbody>{body}</tbody></table>')
        rows.clear()

    for line in markdown.splitlines():
        if line.startswith('|'):
            rows.append([c.strip() for c in line.strip().strip('|').split('|')])
            continue
        flush()
        if line.strip():
            out.append(f'<p>{html.escape(line.strip())}</p>')
    flush()
    return ''.join(out)


def _leading_number(cell: str) -> str:
    """The first number of a table cell (``''`` when there is none)."""
    found = re.match(r'\s*([-+−]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)', cell)
    return '' if found is None else found.group(1).replace('−', '-')


def write_compare_report(work_dir: str, methods: Sequence[str], table: str, dataset,
                         curves: Sequence[str] = (), cfg: Optional[Config] = None,
                         page_size: int = PAGE_SIZE) -> str:
    """Write the ``report.html`` of a comparison (``tools/vision/compare.py``,
    ``tools/nlp/compare_nlp.py``); returns its path.

    ``work_dir/<method>/`` holds each method's run. The page shows the run,
    one card per sample with every method's mask side by side (images: one
    colour scale per method; text: each method's highlighted document with
    the human rationale marked), ``table`` (the Markdown of ``table.md``:
    the methods' metrics and the paired differences, as the compare tool
    computed them) as sortable tables, the figures ``curves`` (PNG files,
    embedded), the per-sample metrics of every method and the failures."""
    if page_size < 1:
        raise ValueError(f'page_size must be at least 1, got {page_size}.')
    run_dirs = {m: osp.join(work_dir, m) for m in methods}
    names = sorted(set().union(*(_mask_names(d) for d in run_dirs.values())))
    items = _items(dataset, names)
    class_names = None if dataset is None else class_names_of(dataset)
    ranges = {m: r[INPUT_DIR] for m, d in run_dirs.items()
              if INPUT_DIR in (r := run_ranges(d, names, [INPUT_DIR]))}
    cards, seconds = [], []
    for name in names:
        item = items.get(name)
        masks = {m: mask for m, d in run_dirs.items()
                 if (mask := _masks(d, name, [INPUT_DIR]).get(INPUT_DIR)) is not None}
        if item is not None and 'tokens' in item:
            body = ''.join(_document(item, mask, method) for method, mask in masks.items())
        else:
            body = _thumbs(None if item is None else item.get('image'), masks, ranges)
        meta = next((m for m in (_meta(d, name) for d in run_dirs.values()) if m), {})
        cards.append(_card(name, body, _class_lines(meta, class_names)))
    for method, run_dir in run_dirs.items():
        seconds += _seconds_row(f'seconds per sample: {method}',
                                [_meta(run_dir, n) for n in _mask_names(run_dir)])
    text = any('tokens' in item for item in items.values())
    evaluations = _evaluations({m: WorkDir(d).eval_dir() for m, d in run_dirs.items()})
    figures = ''.join(
        _figure(_png_uri(path), metric, metric) for path in curves
        for metric in [osp.splitext(osp.basename(path))[0]])
    return _write_page(
        work_dir, run=_run_section(work_dir, cfg, seconds),
        legend=text_legend_html() if text else _image_legend(ranges),
        note='' if dataset is not None else 'no dataset: masks are shown without inputs',
        names=names, cards=cards, page_size=page_size,
        summary=markdown_tables_html(table),
        per_sample=_per_sample_table(evaluations, names) if evaluations else NO_EVALUATION,
        curves=f'<div class="curves">{figures}</div>', failures=_failures(run_dirs))


def _write_page(work_dir: str, run: str, legend: str, note: str, names: List[str],
                cards: List[str], page_size: int, summary: str, per_sample: str,
                curves: str, failures: str) -> str:
    """Fill the page's template and write it to ``work_dir/report.html``."""
    pages = max(1, -(-len(cards) // page_size))
    # no '<' in the script block: nothing in it can close it or open a comment
    data = json.dumps(dict(names=names, cards=cards)).replace('<', '\\u003c')
    page = _TEMPLATE.format(
        title=html.escape(osp.basename(osp.abspath(work_dir))), run=run, count=len(cards),
        legend=legend, note=f'<p class="note">{html.escape(note)}</p>' if note else '',
        first=''.join(cards[:page_size]), pages=pages, page_size=page_size, data=data,
        summary=summary, per_sample=per_sample, curves=curves, failures=failures,
        script=_SCRIPT, rationale_css=RATIONALE_CSS)
    path = WorkDir(work_dir).report
    save_text(path, page)
    return path


def refresh_report(work_dir: str, logger=None, write: Callable[..., str] = write_report,
                   **kwargs) -> Optional[str]:
    """``write(work_dir, **kwargs)`` (:func:`write_report` or
    :func:`write_compare_report`) at the end of a tool: prints the page's
    path, and on an error warns (the run's results stand) instead of
    failing the run."""
    try:
        path = write(work_dir, **kwargs)
    except Exception as err:  # noqa: BLE001 - a report must not fail a finished run
        message = f'{REPORT} not written: {err}'
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
.card {{ border: 1px solid #bbb; border-radius: 4px; padding: 6px; font-size: 12px; }}
.card.hit {{ outline: 3px solid #e80; }}
.card .name {{ font-weight: bold; word-break: break-all; }}
.thumbs {{ display: flex; gap: 4px; }}
figure {{ margin: 0; text-align: center; }} figcaption {{ font-size: 11px; }}
.doc {{ line-height: 1.9; max-height: 18em; max-width: 40em; overflow-y: auto;
  font-size: 13px; margin-bottom: 4px; }}
{rationale_css}
.small {{ color: #666; font-size: 11px; }}
.other {{ color: #b00; }}
table.legend td {{ border: none; padding: 0 4px; }}
.bar {{ display: inline-block; width: 12em; height: 0.9em; vertical-align: middle; }}
.curves {{ display: flex; flex-wrap: wrap; gap: 8px; }} .curves img {{ max-width: 30em; }}
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
