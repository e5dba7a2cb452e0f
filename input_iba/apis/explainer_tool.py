"""The command line of tools/train_explainer.py: train an empirical
explainer on the attribution store of an expensive one."""
import json
import os
import os.path as osp

import numpy as np
from mmengine.logging import MMLogger

from input_iba.models.attributors import EmpiricalExplainer
from input_iba.utils import save_json, set_global_seed

from .builders import build_dataset, build_model, load_config
from .cli import resolve_device, tool_parser
from .explainer_training import load_targets, sample_mses, split_indices, train_explainer

REQUIRED = ('model', 'data', 'targets_dir', 'explainer', 'train')


def load_explainer_setup(args):
    """Config, device, model, dataset, normalised targets and their scales,
    and the stored records: what training, evaluation and the benchmark share."""
    cfg = load_config(args.config, args.cfg_options, required=REQUIRED)
    device = resolve_device(args.device)
    model = build_model(cfg.model, device)
    dataset = build_dataset(cfg.data.attribute)
    targets, scales, records = load_targets(cfg.targets_dir, dataset)
    return cfg, device, model, dataset, targets, scales, records


def main(description, argv=None):
    """Train, keep the best weights (``explainer.pth``) and the split
    (``split.json``); returns the summary written to ``result.json``."""
    args = tool_parser(description, 'where explainer.pth, split.json and '
                       'result.json go').parse_args(argv)
    cfg, device, model, dataset, targets, _, _ = load_explainer_setup(args)
    settings = dict(cfg.train)
    seed, val_fraction = settings.get('seed', 0), settings.pop('val_fraction', 0.2)
    set_global_seed(seed)
    os.makedirs(args.work_dir, exist_ok=True)
    cfg.dump(osp.join(args.work_dir, 'config.py'))
    logger = MMLogger.get_instance(f'explainer:{osp.abspath(args.work_dir)}',
                                   log_file=osp.join(args.work_dir, 'log.txt'))
    train, val = split_indices(dataset, sorted(targets), val_fraction, seed)
    save_json(osp.join(args.work_dir, 'split.json'), dict(train=train, val=val))
    logger.info(f'{len(train)} training and {len(val)} validation samples from '
                f'{cfg.targets_dir}')
    explainer = EmpiricalExplainer(model, **cfg.explainer)
    result = train_explainer(explainer.net, dataset, targets, train, val, args.work_dir,
                             device=device, logger=logger, **settings)
    best = EmpiricalExplainer(model, checkpoint=osp.join(args.work_dir, 'explainer.pth'),
                              **cfg.explainer)
    summary = dict(val_mse=float(np.mean(sample_mses(best.net, dataset, val, targets,
                                                     device=device))),
                   zero_predictor_mse=float(np.mean([float((targets[i]**2).mean())
                                                     for i in val])),
                   train_samples=len(train), val_samples=len(val),
                   epochs=len(result['history']), history=result['history'])
    save_json(osp.join(args.work_dir, 'result.json'), summary)
    print(json.dumps({k: v for k, v in summary.items() if k != 'history'}, indent=1))
    return summary
