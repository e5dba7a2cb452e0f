"""The command line of tools/train_explainer.py: train an empirical
explainer on the stored output of an expensive one, then measure it."""
import argparse
import json
import os
import os.path as osp
import time

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger

from input_iba.models.attributors import EmpiricalExplainer
from input_iba.utils import save_json, set_global_seed

from .builders import build_dataset, build_model, load_config
from .explainer_training import load_targets, mean_mse, train_explainer


def expensive_seconds(targets_dir, names):
    """Mean seconds per sample the expensive explainer spent (its meta files)."""
    secs = []
    for n in names:
        path = osp.join(targets_dir, 'meta', n + '.json')
        if osp.isfile(path):
            with open(path) as f:
                secs.append(json.load(f)['seconds'])
    return float(np.mean(secs)) if secs else None


def main(description, argv=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options,
                      required=('model', 'data', 'targets_dir', 'explainer', 'train'))
    set_global_seed(cfg.train.get('seed', 0))
    os.makedirs(args.work_dir, exist_ok=True)
    logger = MMLogger.get_instance(f'explainer:{osp.abspath(args.work_dir)}',
                                   log_file=osp.join(args.work_dir, 'log.txt'))
    model = build_model(cfg.model, args.device)
    dataset = build_dataset(cfg.data.attribute)
    targets = load_targets(cfg.targets_dir, dataset)
    explainer = EmpiricalExplainer(model, **cfg.explainer)
    result = train_explainer(explainer.net, dataset, targets, args.work_dir,
                             device=args.device, logger=logger, **cfg.train)
    explainer.net.load_state_dict(torch.load(osp.join(args.work_dir, 'explainer.pth'),
                                             map_location=args.device, weights_only=True))
    val = result['val']
    batch = dataset.collate([dataset[i] for i in val])
    start = time.perf_counter()
    explainer.attribute(batch['inputs'], batch['targets'],
                        padding_mask=batch.get('padding_mask'))
    explainer_seconds = (time.perf_counter() - start) / len(val)
    expensive = expensive_seconds(cfg.targets_dir, [dataset.sample_name(i) for i in val])
    summary = dict(val_mse=mean_mse(explainer.net, dataset, val, targets, 32, args.device),
                   zero_predictor_mse=float(np.mean([float((targets[i]**2).mean())
                                                     for i in val])),
                   train_samples=len(result['train']), val_samples=len(val),
                   explainer_seconds_per_sample=explainer_seconds,
                   expensive_seconds_per_sample=expensive,
                   speed_up=(expensive / explainer_seconds) if expensive else None,
                   history=result['history'])
    save_json(osp.join(args.work_dir, 'result.json'), summary)
    print(json.dumps({k: v for k, v in summary.items() if k != 'history'}, indent=1))
    return summary
