"""tools/explain_dataset.py: a config's attributor over its dataset, stored
in resumable shards (see :mod:`input_iba.engine.attribution_store`)."""
import json
import os.path as osp

from input_iba.apis import build_attributor, build_dataset, build_model
from input_iba.apis.builders import ESTIMATION_DIR, check_vocabulary_fits, config_adapter
from input_iba.apis.settings import attribution_batch_size
from input_iba.engine.attribution_store import LAYOUT, SHARD_DIR, AttributionStore, explain_dataset

from .prologue import add_sample_flags, prepare_run, tool_parser

#: what a run writes into its work dir
EXPLAIN_OUTPUTS = (SHARD_DIR, LAYOUT, 'attributions.jsonl', ESTIMATION_DIR)


def main(description, argv=None):
    """Run the config's ``attributor`` over ``data.attribute`` (settings in the
    config's ``explain`` dict); returns the run summary."""
    parser = tool_parser(description, 'where shards/, attributions.jsonl and logs go')
    add_sample_flags(parser)
    parser.add_argument('--no-jsonl', action='store_true',
                        help='skip the JSON lines export')
    args = parser.parse_args(argv)
    run = prepare_run(args, checks=('data', 'model', 'attributor', 'attribution', 'explain'),
                      outputs=EXPLAIN_OUTPUTS)
    cfg = run.cfg
    settings = dict(cfg.get('explain', {}))
    if run.num_samples is not None:
        settings['num_samples'] = run.num_samples
    settings['batch_size'] = attribution_batch_size(cfg, run.device)
    model = build_model(cfg.model, run.device)
    attributor = build_attributor(cfg.attributor, model, config_adapter(cfg))
    dataset = build_dataset(cfg.data.attribute)
    check_vocabulary_fits(model, dataset)
    run.commit()
    run.prepare_statistics(attributor)
    summary = explain_dataset(attributor, dataset, run.work_dir, seed=run.seed,
                              logger=run.logger, progress=run.rank == 0, rank=run.rank,
                              world_size=run.world_size, **settings)
    summary = run.total(summary, shared=('samples', 'shards', 'skipped_shards'))
    if run.rank == 0:
        if not args.no_jsonl:
            path = osp.join(run.work_dir, 'attributions.jsonl')
            summary['jsonl'] = AttributionStore(run.work_dir).export_jsonl(path)
        print(json.dumps(summary))
    return summary
