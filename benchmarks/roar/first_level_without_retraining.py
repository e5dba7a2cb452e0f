"""Separate what a ROAR level removes from how retraining coped with it: the
unmasked model of each seed (``seed<s>/k0``) scored on the test sentences
as each measure masked them at one level, next to the retrained model's own
score (``result.json``). A measure whose masks hurt the unmasked model more
removed more of what that model used; a retrained model far below that
suggests the retraining itself failed (e.g. a fine-tuning collapse).

    python -m benchmarks.roar.first_level_without_retraining \\
        configs/roar/minilm_sst2_cpu_ig_first_level.py \\
        --work-dir work_dirs/roar_minilm_ig_first_level --level 10 --seeds 0 1 2 3 4
"""
import json
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config

from benchmarks.common import benchmark_parser, parse_args
from input_iba.evaluation.roar import MaskedTokens
from input_iba.evaluation.roar.build import build_study
from input_iba.training.classifier import accuracy


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, config=True,
                              work_dir="the finished ROAR study's work dir (read)")
    parser.add_argument('--level', type=int, default=10)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    args = parse_args(parser, argv)
    study = build_study(Config.fromfile(args.config), args.work_dir)
    test = study.datasets['test']
    print(f'test accuracy at {args.level}% masked, mean ± std over seeds {args.seeds}')
    print('| measure | unmasked model | retrained model |\n|---|---:|---:|')
    unmasked = {name: [] for name in study.measures}
    retrained = {name: [] for name in study.measures}
    for seed in args.seeds:
        model = study.unmasked_model(seed)
        for name in study.measures:
            step = osp.join(args.work_dir, name, f'seed{seed}', f'k{args.level}')
            ids = torch.load(osp.join(step, 'masked_ids.pt'), weights_only=True)['test']
            unmasked[name].append(accuracy(model, MaskedTokens(test, ids)))
            with open(osp.join(step, 'result.json')) as f:
                retrained[name].append(json.load(f)['test_accuracy'])
    for name in study.measures:
        print(f'| {name} | {np.mean(unmasked[name]):.3f} ± {np.std(unmasked[name]):.3f} '
              f'| {np.mean(retrained[name]):.3f} ± {np.std(retrained[name]):.3f} |')

if __name__ == '__main__':
    main()
