"""The command line of tools/explain_dataset.py: a config's attributor over
its dataset, stored in resumable shards (see :mod:`.attribution_store`)."""
import json
import os
import os.path as osp

from mmengine.logging import MMLogger

from input_iba.utils import set_global_seed

from .attribution_store import AttributionStore, explain_dataset
from .builders import (build_attributor, build_dataset, build_model, load_config,
                       prepare_statistics)
from .cli import resolve_device, tool_parser
from .runner import remove_stale_temporaries


def main(description, argv=None):
    """Run the config's ``attributor`` over ``data.attribute`` (settings in the
    config's ``explain`` dict); returns the run summary."""
    parser = tool_parser(description, 'where shards/, attributions.jsonl and logs go')
    parser.add_argument('--num-samples', type=int, default=None,
                        help='only the first N samples (default: explain.num_samples, else all)')
    parser.add_argument('--no-jsonl', action='store_true',
                        help='skip the JSON lines export')
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    settings = dict(cfg.get('explain', {}))
    if args.num_samples is not None:
        settings['num_samples'] = args.num_samples
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    remove_stale_temporaries(work_dir)
    cfg.dump(osp.join(work_dir, 'config.py'))
    logger = MMLogger.get_instance(f'explain_dataset:{work_dir}',
                                   log_file=osp.join(work_dir, 'log.txt'))
    seed = settings.pop('seed', cfg.get('seed', 0))
    set_global_seed(seed)
    device = resolve_device(args.device)
    model = build_model(cfg.model, device)
    attributor = build_attributor(cfg.attributor, model)
    prepare_statistics(cfg, attributor, work_dir, logger)
    dataset = build_dataset(cfg.data.attribute)
    summary = explain_dataset(attributor, dataset, work_dir, seed=seed, logger=logger,
                              **settings)
    if not args.no_jsonl:
        path = osp.join(work_dir, 'attributions.jsonl')
        summary['jsonl'] = AttributionStore(work_dir).export_jsonl(path)
    print(json.dumps(summary))
    return summary
