"""Samples per second of the expensive explainer and of its empirical
explainer, measured side by side in one process on the same validation
samples, batch size and threads (the speed-up of methods.md §4):

    python -m benchmarks.speed.empirical_explainer_speed \
        configs/empirical_explainer/ig_bilstm_sst2.py --work-dir work_dirs/ee_ig_sst2 \
        --num-samples 200 --threads 1

Both run ``--repeats`` times, alternating; the median time counts. Writes
``<work-dir>/speed.json``.
"""
import json
import os.path as osp
import statistics
import time
from typing import Optional, Sequence

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis.builders import (
    build_attributor,
    config_adapter,
    load_config,
    prepare_statistics,
    with_adapter,
)
from input_iba.empirical_explainer.evaluation import attribute_samples
from input_iba.empirical_explainer.targets import EXPLAINER_SECTIONS, load_explainer_data
from input_iba.models.attributors import EmpiricalExplainer
from input_iba.utils import save_json


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = benchmark_parser(__doc__, config=True, work_dir="the explainer's work dir",
                              device=True, cfg_options=True)
    parser.add_argument('--num-samples', type=int, default=64)
    parser.add_argument('--batch-size', type=int, default=None,
                        help='default: the config\'s attribution.batch_size')
    parser.add_argument('--repeats', type=int, default=3)
    args = parse_args(parser, argv)
    cfg = load_config(args.config, args.cfg_options, required=EXPLAINER_SECTIONS)
    device = args.device
    model, dataset, _, _, records = load_explainer_data(cfg, device)
    with open(osp.join(args.work_dir, 'split.json')) as f:
        samples = json.load(f)['val'][:args.num_samples]
    classes = {i: r['target'] for i, r in records.items()}
    batch_size = args.batch_size or cfg.get('attribution', {}).get('batch_size', 16)
    expensive = build_attributor(cfg.attributor, model, config_adapter(cfg))
    prepare_statistics(cfg, expensive, cfg.targets_dir)
    explainer = EmpiricalExplainer(model, checkpoint=osp.join(args.work_dir, 'explainer.pth'),
                                   **with_adapter(cfg.explainer, config_adapter(cfg)))
    times = dict(expensive=[], explainer=[])
    for _ in range(args.repeats):
        for name, attributor in (('expensive', expensive), ('explainer', explainer)):
            start = time.perf_counter()
            attribute_samples(attributor, dataset, samples, classes, seed=0,
                              batch_size=batch_size)
            times[name].append(time.perf_counter() - start)
    rate = {k: len(samples) / statistics.median(v) for k, v in times.items()}
    result = dict(config=args.config, device=str(device), threads=args.threads,
                  samples=len(samples), batch_size=batch_size, repeats=args.repeats,
                  expensive=cfg.attributor['type'],
                  expensive_samples_per_s=rate['expensive'],
                  explainer_samples_per_s=rate['explainer'],
                  speed_up=rate['explainer'] / rate['expensive'], seconds=times)
    save_json(osp.join(args.work_dir, 'speed.json'), result)
    print(json.dumps({k: v for k, v in result.items() if k != 'seconds'}, indent=1))
    return result


if __name__ == '__main__':
    main()
