"""The command line of tools/vision/evaluate.py: image metrics over a run."""
import json
import os.path as osp


from input_iba.evaluation.plots import save_metric_plot
from input_iba.registry import EVALUATORS
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
    overrides = cfg.get('evaluation', {})
    results = {}
    for metric in args.metrics:
        ev_cfg = dict(METRICS[metric], **overrides.get(metric, {}))
        if metric == 'sanity_check':
            ev_cfg.setdefault('attributor', cfg.attributor)
        if 'adapter' in cfg:  # the model's input layout (e.g. channels-last)
            ev_cfg.setdefault('adapter', cfg.adapter)
        evaluator = EVALUATORS.build(dict(ev_cfg, model=model))
        results[metric] = evaluator.run(dataset, mask_dir, out_dir, range(count))
        plot = save_metric_plot(out_dir, metric)
        print(f'{metric}: ' + json.dumps({k: v for k, v in results[metric].items()
                                          if k != 'num_samples'}) +
              (f' (curve: {plot})' if plot else ''))
    return results

