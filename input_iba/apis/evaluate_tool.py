"""The command line of tools/vision/evaluate.py: image metrics over a run."""
import json
import os.path as osp

import torch

from input_iba.datasets import load_items
from input_iba.evaluation.plots import save_metric_plot
from input_iba.models.attributors import LayerAttributor
from input_iba.registry import ATTRIBUTORS, EVALUATORS
from input_iba.utils import set_global_seed

from .builders import build_dataset, build_model, load_config
from .cli import resolve_device, tool_parser

# metric name -> default evaluator config (the config's `evaluation` dict
# may override any of them, e.g. evaluation=dict(sensitivity_n=dict(num_subsets=50)))
METRICS = dict(
    insertion_deletion=dict(type='InsertionDeletion'),
    sensitivity_n=dict(type='SensitivityN'),
    ehr=dict(type='EffectiveHeatRatio'),
    pointing_game=dict(type='PointingGame'),
    sanity_check=dict(type='SanityCheck'),
    eraser=dict(type='ERASERFaithfulness'),
    rationale_agreement=dict(type='RationaleAgreement'),
    text_insertion_deletion=dict(type='TextInsertionDeletion'),
    text_sensitivity_n=dict(type='TextSensitivityN'),
)


def build_evaluator(cfg, metric, model, attributor_cfg=None):
    """The evaluator of ``metric``, with the config's ``evaluation`` overrides
    and the model's input layout (``adapter``). The sanity check re-runs
    ``attributor_cfg``; layer attributors (IBA, InputIBA) get the first
    ``evaluation.sanity_check.estimation_samples`` (default 16) images of
    ``data.estimate`` to re-estimate each randomised model's statistics."""
    ev_cfg = dict(METRICS[metric], **cfg.get('evaluation', {}).get(metric, {}))
    if 'adapter' in cfg:  # e.g. channels-last
        ev_cfg.setdefault('adapter', cfg.adapter)
    if metric == 'sanity_check':
        ev_cfg.setdefault('attributor', attributor_cfg)
        count = ev_cfg.pop('estimation_samples', 16)
        layer_attributor = issubclass(ATTRIBUTORS.get(ev_cfg['attributor']['type']),
                                      LayerAttributor)
        if layer_attributor and 'estimation_inputs' not in ev_cfg:
            data, items = build_dataset(cfg.data.estimate), []
            for i in range(len(data)):  # the first `count` readable images
                if len(items) == count:
                    break
                items += load_items(data, [i], lambda *_: None)
            ev_cfg['estimation_inputs'] = torch.stack([it['inputs'] for it in items])
    return EVALUATORS.build(dict(ev_cfg, model=model))


def main(description, argv=None):
    """Evaluate the masks of a run; returns the summaries by metric."""
    parser = tool_parser(description, 'a finished run (with input_masks/)')
    parser.add_argument('--metrics', nargs='+', default=['insertion_deletion', 'ehr'],
                        choices=sorted(METRICS))
    parser.add_argument('--masks', default='input_masks',
                        help='mask folder inside the work dir')
    parser.add_argument('--out-dir', default=None,
                        help='default: <work-dir>/eval_<masks>')
    parser.add_argument('--num-samples', type=int, default=None)
    args = parser.parse_args(argv)
    args.device = resolve_device(args.device)
    set_global_seed(getattr(args, 'seed', 0))
    cfg = load_config(args.config, args.cfg_options, required=('model', 'data'))
    mask_dir = osp.join(args.work_dir, args.masks)
    if not osp.isdir(mask_dir):
        raise FileNotFoundError(f'No masks at {mask_dir}: run tools/vision/train.py '
                                'first, or pass --masks.')
    out_dir = args.out_dir or osp.join(args.work_dir, f'eval_{args.masks}')
    model = build_model(cfg.model, args.device)
    dataset = build_dataset(cfg.data.attribute)
    count = len(dataset) if args.num_samples is None else min(args.num_samples,
                                                               len(dataset))
    results = {}
    for metric in args.metrics:
        evaluator = build_evaluator(cfg, metric, model, cfg.get('attributor'))
        results[metric] = evaluator.run(dataset, mask_dir, out_dir, range(count))
        plot = save_metric_plot(out_dir, metric)
        print(f'{metric}: ' + json.dumps({k: v for k, v in results[metric].items()
                                          if k != 'num_samples'}) +
              (f' (curve: {plot})' if plot else ''))
    return results

