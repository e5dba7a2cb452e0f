"""tools/vision/evaluate.py and tools/nlp/evaluate_nlp.py: metrics over the
masks of a finished run; JSON per sample, summaries and curves."""
import json
import os.path as osp

from input_iba.apis.builders import (
    build_dataset,
    build_evaluator,
    build_model,
    check_vocabulary_fits,
)
from input_iba.evaluation.catalogue import metrics
from input_iba.evaluation.plots import save_metric_plot
from input_iba.utils.layout import INPUT_DIR, WorkDir
from input_iba.visualization.report import refresh_report

from .prologue import add_sample_flags, prepare_run, tool_parser


def evaluation_outputs():
    """What an evaluation writes into its out dir, per metric: the
    per-sample folder, the summary and the curve."""
    return tuple(name + ext for name in metrics() for ext in ('', '.json', '.png'))


def main(description, argv=None):
    """Evaluate the masks of a run; returns the summaries by metric."""
    parser = tool_parser(description, 'a finished run (with input_masks/)')
    parser.add_argument('--metrics', nargs='+', default=['insertion_deletion', 'ehr'],
                        choices=sorted(metrics()))
    parser.add_argument('--masks', default=INPUT_DIR,
                        help='mask folder inside the work dir')
    parser.add_argument('--out-dir', default=None,
                        help='default: <work-dir>/eval_<masks>')
    add_sample_flags(parser, batch_size=False)
    args = parser.parse_args(argv)
    mask_dir = WorkDir(args.work_dir).masks(args.masks)
    if not osp.isdir(mask_dir):
        raise FileNotFoundError(f'No masks at {mask_dir}: run tools/vision/train.py '
                                'first, or pass --masks.')
    out_dir = args.out_dir or WorkDir(args.work_dir).eval_dir(args.masks)
    run = prepare_run(args, required=('model', 'data'), out_dir=out_dir,
                      checks=('data', 'model', 'attributor', 'metric_evaluation'),
                      outputs=evaluation_outputs())
    cfg = run.cfg
    model = build_model(cfg.model, run.device)
    dataset = build_dataset(cfg.data.attribute)
    check_vocabulary_fits(model, dataset)
    evaluators = {metric: build_evaluator(cfg, metric, model, cfg.get('attributor'))
                  for metric in args.metrics}
    run.commit()
    count = run.count(dataset)
    results = {}
    for metric, evaluator in evaluators.items():
        results[metric] = evaluator.run(dataset, mask_dir, run.out_dir, range(count))
        plot = save_metric_plot(run.out_dir, metric)
        print(f'{metric}: ' + json.dumps({k: v for k, v in results[metric].items()
                                          if k != 'num_samples'}) +
              (f' (curve: {plot})' if plot else ''))
    refresh_report(run.work_dir, run.logger)
    return results
