"""tools/train_explainer.py: train an empirical explainer on the attribution
store of an expensive one; report its validation MSE."""
import json
import os.path as osp

import numpy as np

from input_iba.apis.builders import config_adapter, with_adapter
from input_iba.empirical_explainer.targets import (
    EXPLAINER_SECTIONS,
    load_explainer_data,
    split_indices,
)
from input_iba.models.attributors import EmpiricalExplainer
from input_iba.training.explainer import sample_errors, train_explainer
from input_iba.utils import save_json, set_global_seed

from .evaluate_explainer import EVALUATION_OUTPUTS
from .prologue import prepare_run, tool_parser

#: what a training writes into its work dir (``evaluation/``: the log of
#: tools/evaluate_explainer.py, which writes its results beside these)
EXPLAINER_OUTPUTS = ('explainer.pth', 'split.json', 'result.json',
                     'evaluation') + EVALUATION_OUTPUTS


def main(description, argv=None):
    """Train, keep the best weights (``explainer.pth``) and the split
    (``split.json``); returns the summary written to ``result.json``."""
    args = tool_parser(description, 'where explainer.pth, split.json and '
                       'result.json go').parse_args(argv)
    run = prepare_run(args, required=EXPLAINER_SECTIONS,
                      checks=('data', 'model', 'explainer', 'explainer_training'),
                      outputs=EXPLAINER_OUTPUTS)
    cfg, work_dir, device = run.cfg, run.work_dir, run.device
    model, dataset, targets, _, _ = load_explainer_data(cfg, device)
    settings = dict(cfg.train)
    # before commit: a val_fold the samples do not have is refused before any work
    train, val = split_indices(dataset, sorted(targets), settings.pop('val_fraction', 0.2),
                               run.seed, settings.pop('val_fold', 0))
    run.commit()
    save_json(osp.join(work_dir, 'split.json'), dict(train=train, val=val))
    run.logger.info(f'{len(train)} training and {len(val)} validation samples from '
                    f'{cfg.targets_dir}')
    # reseed: the head's initialisation and the training's random numbers do
    # not depend on how many numbers building the classifier drew
    set_global_seed(run.seed)
    explainer_cfg = with_adapter(cfg.explainer, config_adapter(cfg))
    explainer = EmpiricalExplainer(model, **explainer_cfg)
    result = train_explainer(explainer.net, dataset, targets, train, val, work_dir,
                             device=device, logger=run.logger, seed=run.seed, **settings)
    best = EmpiricalExplainer(model, checkpoint=osp.join(work_dir, 'explainer.pth'),
                              **explainer_cfg)
    summary = dict(val_mse=float(np.mean(sample_errors(best.net, dataset, val, targets,
                                                     device=device)[0])),
                   zero_predictor_mse=float(np.mean([float((targets[i]**2).mean())
                                                     for i in val])),
                   train_samples=len(train), val_samples=len(val),
                   epochs=len(result['history']), history=result['history'])
    save_json(osp.join(work_dir, 'result.json'), summary)
    print(json.dumps({k: v for k, v in summary.items() if k != 'history'}, indent=1))
    return summary
