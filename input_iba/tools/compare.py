"""tools/vision/compare.py and tools/nlp/compare_nlp.py: several attributors,
several metrics, one table (mean ± 95% CI), a mask grid, the curves and
``report.html`` (the methods side by side, the tables sortable)."""
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from input_iba.apis import (  # noqa: E402
    build_attributor,
    build_dataset,
    build_model,
    build_visualizer,
    prepare_statistics,
)
from input_iba.apis.builders import (  # noqa: E402
    ESTIMATION_DIR,
    build_evaluator,
    check_vocabulary_fits,
    config_adapter,
)
from input_iba.apis.settings import attribution_batch_size  # noqa: E402
from input_iba.engine.mask_writer import check_unique_names, run_attribution  # noqa: E402
from input_iba.evaluation.catalogue import metrics  # noqa: E402
from input_iba.evaluation.plots import plot_metric  # noqa: E402
from input_iba.evaluation.tables import markdown_table, paired_table  # noqa: E402
from input_iba.utils import save_text  # noqa: E402
from input_iba.utils.layout import REPORT, WorkDir  # noqa: E402
from input_iba.visualization import mask_grid  # noqa: E402
from input_iba.visualization.report import refresh_report, write_compare_report  # noqa: E402

from .prologue import add_sample_flags, prepare_run, tool_parser  # noqa: E402


def check_reference(cfg):
    """``paired_reference`` must be one of the ``methods``."""
    reference = cfg.get('paired_reference')
    if reference is not None and reference not in cfg.methods:
        raise KeyError(f'paired_reference {reference!r} is not one of the methods '
                       f'{list(cfg.methods)}: name one of them or drop the key.')


def compare_outputs(cfg):
    """What a comparison writes into its work dir: a folder per method,
    the layer statistics, the table, the mask grid, the report and a curve
    per metric."""
    return tuple(cfg.methods) + (ESTIMATION_DIR, 'table.md', 'masks.png', REPORT) + tuple(
        f'{metric}.png' for metric in metrics())


def main(description, argv=None):
    """Run every method of ``methods`` and every metric of ``metrics``;
    returns the summaries ``{method: {metric: summary}}``."""
    parser = tool_parser(description)
    add_sample_flags(parser, batch_size=False)
    args = parser.parse_args(argv)
    run = prepare_run(args, required=('model', 'data', 'methods', 'metrics'),
                      checks=('data', 'model', 'methods', 'metric_evaluation',
                              'attribution', check_reference),
                      outputs=compare_outputs)
    cfg, work_dir = run.cfg, run.work_dir
    model = build_model(cfg.model, run.device)
    dataset = build_dataset(cfg.data.attribute)
    check_vocabulary_fits(model, dataset)
    count = run.count(dataset)
    check_unique_names(dataset, range(count))
    visualizer = build_visualizer(cfg.visualizer)
    adapter = config_adapter(cfg)
    # built before any work: a method's config error must not come after the others' runs
    attributors = {method: build_attributor(att_cfg, model, adapter)
                   for method, att_cfg in cfg.methods.items()}
    run.commit()
    summaries = {}
    for number, (method, att_cfg) in enumerate(cfg.methods.items(), 1):
        # the progress bars below say what they do, this line which method
        run.logger.info(f'method {number} of {len(cfg.methods)}: {method}')
        run_dir = osp.join(work_dir, method)
        attributor = attributors[method]
        prepare_statistics(cfg, attributor, work_dir, run.logger)
        run_attribution(attributor, dataset, run_dir, visualizer,
                        attribution_batch_size(cfg, run.device, method),
                        run.seed, range(count), logger=run.logger)
        summaries[method] = {}
        for metric in cfg.metrics:
            evaluator = build_evaluator(cfg, metric, model, att_cfg)
            summaries[method][metric] = evaluator.run(
                dataset, WorkDir(run_dir).masks(), WorkDir(run_dir).eval_dir(), range(count))
    table = markdown_table(summaries, cfg.metrics)
    reference = cfg.get('paired_reference')
    if reference is not None:
        table += '\n\nPaired differences (per sample):\n\n' + paired_table(
            work_dir, list(cfg.methods), cfg.metrics, reference)
    save_text(osp.join(work_dir, 'table.md'), table + '\n')
    grid = mask_grid(work_dir, list(cfg.methods), dataset, cfg.get('figure_samples', 4),
                     osp.join(work_dir, 'masks.png'))
    curves = []
    for metric in cfg.metrics:
        fig, ax = plt.subplots(figsize=(6, 4))
        drawn = [plot_metric(WorkDir(osp.join(work_dir, m)).eval_dir(), metric, label=m, ax=ax)
                 for m in cfg.methods]
        if any(d is not None for d in drawn):
            fig.tight_layout()
            curves.append(osp.join(work_dir, f'{metric}.png'))
            fig.savefig(curves[-1], dpi=100)
        plt.close(fig)
    print(table)
    written = ['table.md'] + (['masks.png'] if grid else []) + [osp.basename(c) for c in curves]
    print(f"{', '.join(written)} in {work_dir}"
          + ('' if grid else ' (text: a page per document in each <method>/input_masks/)'))
    refresh_report(work_dir, run.logger, write_compare_report, methods=list(cfg.methods),
                   table=table, dataset=dataset, curves=curves, cfg=cfg)
    return summaries
