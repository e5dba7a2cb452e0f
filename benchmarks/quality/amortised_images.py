"""The amortised InputIBA on images, scored like InputIBA itself.

For an empirical-explainer config over ``AugmentedCopies`` of the 68
ImageNet images with boxes (configs/empirical_explainer/
input_iba_default_efficientnet_lite0.py) and its cross-fitted explainers
(tools/train_explainer.py with ``train.val_fold`` 0, 1, ...), each original
image is explained by the explainer whose validation fold holds it: one that
never saw the photo or its crops. With ``--steps``, InputIBA warm-started
from that explainer's prediction (``init='amortised'``) runs k input steps
on the same images. The teacher's own stored masks of those originals are
written too (run ``teacher``: the masks the explainers learnt from; InputIBA's
default output, sigmoid(alpha), which is input_iba_quality's ``input`` kind:
for the 68 originals they equal its ``fast`` seed-0 masks). The maps go where
benchmarks/quality/input_iba_quality.py keeps its runs
(``<quality dir>/runs/<name>-seed<seed>/<image>.npz``: the map under
``smoothed`` and ``input``, the target, CPU and wall seconds), so that its
``score`` and ``table`` give the paper's EHR, insertion, deletion and
pointing beside the teacher's and the reference's masks, paired::

    CFG=configs/empirical_explainer/input_iba_default_efficientnet_lite0.py
    python -m benchmarks.quality.amortised_images $CFG \\
        --folds work_dirs/ee_iiba_effnet_1k/fold0 work_dirs/ee_iiba_effnet_1k/fold1 \\
        --quality-dir work_dirs/iq68 --steps 3 10 30
    python -m benchmarks.quality.input_iba_quality score --work-dir work_dirs/iq68 --kinds input
    python -m benchmarks.quality.input_iba_quality table --work-dir work_dirs/iq68 \\
        --kinds input --against teacher:input
"""
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence

import numpy as np

from benchmarks.common import SMOKE_SCHEDULE, benchmark_parser, parse_args
from benchmarks.quality.warm_start import warm_started
from input_iba.apis.builders import config_adapter, load_config, with_adapter
from input_iba.empirical_explainer.evaluation import attribute_samples
from input_iba.empirical_explainer.targets import (
    EXPLAINER_SECTIONS,
    load_explainer_data,
    sample_group_of,
)
from input_iba.models.attributors import EmpiricalExplainer


def held_out_originals(dataset, fold_dir: str) -> List[int]:
    """The original images (not crops) of a fold's validation split."""
    with open(osp.join(fold_dir, 'split.json')) as f:
        val = json.load(f)['val']
    group_of = sample_group_of(dataset)
    return [i for i in val if dataset.sample_name(i) == group_of(i)]


def save_maps(out_dir: str, dataset, maps: Dict[int, np.ndarray], classes: Dict[int, int],
              cpu_seconds: float, wall_seconds: float) -> None:
    """One npz per image in input_iba_quality's run layout."""
    os.makedirs(out_dir, exist_ok=True)
    for i, m in maps.items():
        m = np.asarray(m, np.float32)
        np.savez(osp.join(out_dir, dataset.sample_name(i) + '.npz'), smoothed=m, input=m,
                 target=int(classes[i]), cpu_seconds=cpu_seconds, wall_seconds=wall_seconds)


def timed_maps(attributor, dataset, indices, classes, seed):
    """Maps of ``indices`` and the CPU and wall seconds per image."""
    cpu, wall = time.process_time(), time.perf_counter()
    maps = attribute_samples(attributor, dataset, indices, classes, seed, 1)
    n = max(len(indices), 1)
    return maps, (time.process_time() - cpu) / n, (time.perf_counter() - wall) / n


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = benchmark_parser(__doc__, config=True, threads=True, device=True, cfg_options=True,
                              smoke='one image per fold; warm start with the smoke schedule')
    parser.add_argument('--folds', nargs='+', required=True,
                        help='the work dirs of the cross-fitted explainers (explainer.pth, '
                        'split.json)')
    parser.add_argument('--quality-dir', required=True,
                        help="input_iba_quality's work dir: the maps go to its runs/")
    parser.add_argument('--name', default='amortised',
                        help="the run's name there (warm starts: <name>-warm<k>)")
    parser.add_argument('--steps', type=int, nargs='*', default=[],
                        help='input-stage steps of warm-started InputIBA runs (none by default)')
    parser.add_argument('--seed', type=int, default=0)
    args = parse_args(parser, argv)
    cfg = load_config(args.config, args.cfg_options, required=EXPLAINER_SECTIONS)
    model, dataset, targets, scales, records = load_explainer_data(cfg, args.device)
    adapter = config_adapter(cfg)
    folds = [(d, held_out_originals(dataset, d)[:1 if args.smoke else None]) for d in args.folds]
    seen = [i for _, images in folds for i in images]
    if len(seen) != len(set(seen)):
        raise ValueError('The folds validate the same images: train them with the same seed '
                         'and val_fraction and different train.val_fold.')
    classes = {i: records[i]['target'] for i in seen}
    teacher = {i: (targets[i] * scales[i]).numpy() for i in seen}
    # its cost is not known here (the store has wall seconds of a shared CPU)
    save_maps(osp.join(args.quality_dir, 'runs', f'teacher-seed{args.seed}'), dataset, teacher,
              classes, float('nan'), float('nan'))
    runs = {args.name: None, **{f'{args.name}-warm{k}': k for k in args.steps}}
    summary = {}
    for name, steps in runs.items():
        out = osp.join(args.quality_dir, 'runs', f'{name}-seed{args.seed}')
        cpu = []
        for fold_dir, images in folds:
            checkpoint = osp.join(fold_dir, 'explainer.pth')
            attributor = (
                EmpiricalExplainer(model, checkpoint=checkpoint,
                                   **with_adapter(cfg.explainer, adapter)) if steps is None
                else warm_started(cfg, model, adapter, checkpoint, steps,
                                  **(SMOKE_SCHEDULE if args.smoke else {})))
            maps, cpu_s, wall_s = timed_maps(attributor, dataset, images, classes, args.seed)
            save_maps(out, dataset, maps, classes, cpu_s, wall_s)
            cpu += [cpu_s] * len(images)
        summary[name] = dict(images=len(cpu), cpu_seconds_per_image=float(np.mean(cpu)))
        print(f'{name}: {len(cpu)} images, {np.mean(cpu):.3f} CPU s per image -> {out}',
              flush=True)
    return summary


if __name__ == '__main__':
    main()
