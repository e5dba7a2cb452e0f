"""tools/nlp/roar.py: a (Recursive) ROAR study; RACU (accuracy and
macro-F1, both aggregations over seeds) with bootstrap intervals and the
accuracy curves."""
import os.path as osp

from input_iba.evaluation.roar import cost_table, curve_table, plot_curves, summarise
from input_iba.evaluation.roar.build import build_study
from input_iba.utils import save_json, save_text

from .prologue import prepare_run, tool_parser


def roar_outputs(cfg):
    """What a study writes into its work dir: the unmasked and random
    models' seeds, a folder per measure, the tables, the curves."""
    return tuple(cfg.measures) + ('seed*', 'results.json', 'racu.md', 'cost.md',
                                  'curves.md', 'roar.png')


def main(description, argv=None):
    """Run (or read back) the study of the config; returns RACU by metric,
    measure and aggregation."""
    args = tool_parser(description).parse_args(argv)
    run = prepare_run(args, required=('model', 'data', 'measures', 'roar', 'train'),
                      checks=('data', 'model', 'measures', 'roar', 'attribution',
                              'classifier_training'),
                      shards=('measures', 'roar.seeds'),  # the study checks its measures
                      outputs=roar_outputs)
    cfg, work_dir = run.cfg, run.work_dir
    if 'random' not in cfg.measures:
        raise KeyError("The study needs a 'random' measure: RACU is relative to it.")
    study = build_study(cfg, work_dir, run.device)
    run.commit()
    results = study.run()
    majority = study.majority_accuracy()
    table, rows = summarise(results, study.ks)
    seconds = study.seconds_per_level()
    save_json(osp.join(work_dir, 'results.json'),
              dict(curves={metric: {m: {str(s): {str(k): v for k, v in c.items()}
                                        for s, c in r.items()} for m, r in by_measure.items()}
                           for metric, by_measure in results.items()},
                   racu=rows, majority_class_accuracy=majority,
                   seconds_per_level={str(k): c for k, c in seconds.items()}))
    save_text(osp.join(work_dir, 'racu.md'), table + '\n')
    save_text(osp.join(work_dir, 'cost.md'), cost_table(seconds) + '\n')
    save_text(osp.join(work_dir, 'curves.md'), '\n\n'.join(
        curve_table(results, study.ks, metric) for metric in results) + '\n')
    plot_curves(results, study.ks, majority, osp.join(work_dir, 'roar.png'))
    print(table)
    print(cost_table(seconds))
    return rows
