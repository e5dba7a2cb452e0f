"""How close are our InputIBA masks to the reference implementation's?

Two steps. ``attribute`` writes our masks for the shared ImageNet images
into a work dir, explaining the predicted class as the reference run did
(resumable; cfg options as for tools/vision/train.py):

    python -m benchmarks.reference.mask_agreement attribute \\
        --work-dir work_dirs/agreement/lambda --images 0 1 2 \\
        --cfg-options attributor.gan.epochs=2 attributor.input_iba.steps=10

``compare`` reads one or more labelled work dirs (from ``attribute`` or from
tools/vision/train.py with configs/input_iba/efficientnet_lite0_imagenet.py)
and, per image present in all of them, prints the Spearman and Pearson
correlation with the reference mask and the share of the mask's total heat
that falls in the ground-truth boxes (for ours and for the reference; the
boxes' share of the image is the chance level):

    python -m benchmarks.reference.mask_agreement compare \\
        lambda=work_dirs/agreement/lambda capacity=work_dirs/agreement/capacity

The reference masks are ``reference_masks/inputiba_reference_efficientnet_lite0.npz``
under the data root (see the data README for how they were made).
"""
import json
import os.path as osp
from typing import Optional, Sequence

import numpy as np
from scipy.stats import pearsonr, spearmanr

from benchmarks.common import add_common_options, benchmark_parser, parse_args, smoke_options
from input_iba.datasets import ImageNetBoxes
from input_iba.evaluation.vision.boxes import boxes_to_mask
from input_iba.utils import default_data_root
from input_iba.utils.layout import WorkDir

CONFIG = 'configs/input_iba/efficientnet_lite0_imagenet.py'
REFERENCE = osp.join('reference_masks', 'inputiba_reference_efficientnet_lite0.npz')


class PredictedTargets:
    """A dataset whose items have no label (``target`` -1), so that the
    runner explains the model's prediction, as the reference run did."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        return dict(self.dataset[index], target=-1)

    def __getattr__(self, name):
        return getattr(self.dataset, name)


def attribute(args):
    from input_iba.apis.builders import (
        build_attributor,
        build_dataset,
        build_model,
        load_config,
        prepare_statistics,
    )
    from input_iba.engine import run_attribution
    from input_iba.utils import set_global_seed
    cfg = load_config(args.config, dict(args.cfg_options,
                                        **(smoke_options() if args.smoke else {})))
    set_global_seed(args.seed)
    attributor = build_attributor(cfg.attributor, build_model(cfg.model))
    prepare_statistics(cfg, attributor, args.work_dir)
    dataset = PredictedTargets(build_dataset(cfg.data.attribute))
    indices = args.images if args.images else range(len(dataset))
    summary = run_attribution(attributor, dataset, args.work_dir,
                              lambda *_: None, 1, args.seed, indices)
    print(json.dumps(summary))


def heat_in_boxes(mask, inside):
    """Share of the mask's total heat inside the boxes."""
    mask = np.asarray(mask, np.float64)
    return float(mask[inside].sum() / mask.sum())


def compare(args):
    reference = np.load(args.reference or osp.join(default_data_root(),
                                                   REFERENCE))
    runs = dict(spec.split('=', 1) for spec in args.runs)
    dataset = ImageNetBoxes()
    rows = []
    for i in range(len(dataset)):
        name = dataset.sample_name(i)
        paths = {label: WorkDir(d).mask(name) for label, d in runs.items()}
        if name not in reference or not all(map(osp.isfile, paths.values())):
            continue
        ref = reference[name].astype(np.float64)
        inside = boxes_to_mask(dataset[i]['boxes'], ref.shape)
        row = dict(name=name, box_share=float(inside.mean()),
                   ref_in_box=heat_in_boxes(ref, inside) if inside.any() else None)
        for label, path in paths.items():
            ours = np.load(path).astype(np.float64)
            meta = WorkDir(runs[label]).meta(name)
            if osp.isfile(meta):
                with open(meta) as f:
                    m = json.load(f)
                row[f'{label}_explains_prediction'] = m['target'] == m['prediction']
            row[f'{label}_spearman'] = float(spearmanr(ours.ravel(), ref.ravel())[0])
            row[f'{label}_pearson'] = float(pearsonr(ours.ravel(), ref.ravel())[0])
            row[f'{label}_in_box'] = (heat_in_boxes(ours, inside)
                                      if inside.any() else None)
        rows.append(row)
    if not rows:
        raise SystemExit('no image has masks in every work dir: run '
                         '`attribute` first (see --help).')
    print_table(list(runs), rows)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)


def print_table(labels, rows):
    """Markdown table, one row per image, then the means. A ``*`` marks a
    run that explained the label where it differs from the prediction (the
    class the reference explained)."""
    metrics = ('spearman', 'pearson', 'in_box')
    cols = ['box_share', 'ref_in_box'] + [f'{label}_{m}' for label in labels
                                          for m in metrics]
    print('| image | ' + ' | '.join(cols) + ' |')
    print('|---|' + '---:|' * len(cols))
    for row in rows:
        cells = []
        for col in cols:
            value = row.get(col)
            label = col[:-len('_spearman')] if col.endswith('_spearman') else None
            mark = '*' if label and not row.get(
                f'{label}_explains_prediction', True) else ''
            cells.append('-' if value is None else f'{value:.3f}{mark}')
        print(f'| {row["name"]} | ' + ' | '.join(cells) + ' |')
    means = []
    for col in cols:
        values = [r[col] for r in rows if r.get(col) is not None]
        means.append(f'{np.mean(values):.3f}' if values else '-')
    print(f'| mean of {len(rows)} | ' + ' | '.join(means) + ' |')


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, threads=False)
    sub = parser.add_subparsers(dest='command', required=True)
    att = add_common_options(
        sub.add_parser('attribute', help='write our masks (predicted class)'),
        work_dir='where our masks go', cfg_options=True,
        smoke='2 steps on 2 noise copies per stage (benchmarks.common)')
    att.add_argument('--config', default=CONFIG)
    att.add_argument('--images', type=int, nargs='*',
                     help='dataset indices (default: all 18)')
    att.add_argument('--seed', type=int, default=0)
    cmp = sub.add_parser('compare', help='correlations and heat in boxes')
    cmp.add_argument('runs', nargs='+', metavar='LABEL=WORK_DIR')
    cmp.add_argument('--reference', help='reference .npz (default: data root)')
    cmp.add_argument('--json', help='also write the rows to this file')
    args = parse_args(parser, argv)
    attribute(args) if args.command == 'attribute' else compare(args)


if __name__ == '__main__':
    main()
