"""tools/vision/train.py and tools/nlp/train_nlp.py: attribute a dataset
from a config into ``input_masks/``, ``feat_masks/`` and ``meta/``."""

from input_iba.apis import build_attributor, build_dataset, build_model, build_visualizer
from input_iba.apis.builders import ESTIMATION_DIR, check_vocabulary_fits, config_adapter
from input_iba.apis.settings import attribution_batch_size
from input_iba.engine.mask_writer import check_unique_names, run_attribution
from input_iba.utils.layout import EVAL_PREFIX, FAILED, REPORT, SAMPLE_DIRS, WorkDir
from input_iba.visualization.report import refresh_report

from .prologue import add_sample_flags, prepare_run, tool_parser

#: what a run writes into its work dir (the evaluations of its masks included)
TRAIN_OUTPUTS = SAMPLE_DIRS + (ESTIMATION_DIR, EVAL_PREFIX + '*', REPORT)


def main(description, argv=None):
    """Attribute a dataset from a config; returns the run summary."""
    parser = tool_parser(description, 'where masks, logs and the config dump go')
    add_sample_flags(parser)
    args = parser.parse_args(argv)
    run = prepare_run(args, checks=('data', 'model', 'attributor', 'attribution'),
                      outputs=TRAIN_OUTPUTS)
    cfg = run.cfg
    model = build_model(cfg.model, run.device)
    attributor = build_attributor(cfg.attributor, model, config_adapter(cfg))
    dataset = build_dataset(cfg.data.attribute)
    check_vocabulary_fits(model, dataset)
    count = run.count(dataset)
    check_unique_names(dataset, range(count))  # over all processes' shards
    run.commit()
    run.prepare_statistics(attributor)
    batch_size = attribution_batch_size(cfg, run.device)
    summary = run_attribution(attributor, dataset, run.work_dir,
                              build_visualizer(cfg.visualizer), batch_size,
                              run.seed, range(run.rank, count, run.world_size),
                              progress=run.rank == 0, logger=run.logger)
    summary = run.total(summary)
    if run.rank == 0:
        long = (f'; of the new, {summary["truncated"]} truncated to the model and '
                f'{summary["chunked"]} split into chunks'
                if summary['truncated'] or summary['chunked'] else '')
        print(f'Masks written to {WorkDir(run.work_dir).masks()} '
              f'({summary["done"]} new, {summary["skipped"]} already done, '
              f'{summary["failed"]} failed; see {FAILED}{long})')
        refresh_report(run.work_dir, run.logger)
    return summary
