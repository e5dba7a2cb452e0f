"""Throughput of the image metrics that perturb an image along its map
besides insertion/deletion and sensitivity-N (evaluation_throughput.py): ROAD,
faithfulness correlation, monotonicity, background faithfulness and
degradation; batched versus one perturbed image per forward pass, side by
side (settings interleaved, the fastest of ``--repeats`` runs kept):

    python -m benchmarks.speed.perturbation_metrics_throughput --models tiny EfficientNetLite0

Random 224x224 inputs and maps (the cost does not depend on the content);
coarser settings than the defaults so that a CPU run takes about a minute.
Images per CPU-second of this process are reported beside wall-clock
throughput (the steadier measure on a shared machine).
"""
import time
from typing import Optional, Sequence

import numpy as np
import torch

from benchmarks.common import benchmark_parser, parse_args
from benchmarks.speed.evaluation_throughput import build_model


def metrics(model, batch_size):
    """``{name: (evaluator, perturbed images per sample)}``."""
    from input_iba.evaluation.vision import (
        ROAD,
        BackgroundFaithfulness,
        Degradation,
        FaithfulnessCorrelation,
        Monotonicity,
    )
    kw = dict(batch_size=batch_size)
    return dict(
        road=(ROAD(model, **kw), 18),
        faithfulness_correlation=(FaithfulnessCorrelation(model, num_subsets=32, **kw), 33),
        monotonicity=(Monotonicity(model, positions_per_step=1792, **kw), 29),
        background_faithfulness=(BackgroundFaithfulness(model, **kw), 33),
        degradation=(Degradation(model, tile=16, tiles_per_step=14, **kw), 30))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__)
    parser.add_argument('--models', nargs='+', default=['tiny', 'EfficientNetLite0'])
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 64])
    parser.add_argument('--repeats', type=int, default=2)
    args = parse_args(parser, argv)
    item = dict(inputs=torch.randn(3, 224, 224), name='bench')
    mask = np.random.default_rng(0).random((224, 224))
    print('| model | metric | images per sample | batch | img/s (wall) | img per CPU-s |')
    print('|---|---|---:|---:|---:|---:|')
    for name in args.models:
        model = build_model(name, 'cpu')
        by_batch = {bs: metrics(model, bs) for bs in args.batch_sizes}
        for metric in by_batch[args.batch_sizes[0]]:
            best = {}
            for _ in range(args.repeats):
                for bs in args.batch_sizes:
                    ev, n = by_batch[bs][metric]
                    wall, cpu = time.perf_counter(), time.process_time()
                    ev.evaluate_sample(item, mask, 1)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    old = best.get(bs, (np.inf, np.inf))
                    best[bs] = (min(old[0], wall), min(old[1], cpu))
            for bs in args.batch_sizes:
                n = by_batch[bs][metric][1]
                print(f'| {name} | {metric} | {n} | {bs} | {n / best[bs][0]:.1f} | '
                      f'{n / best[bs][1]:.1f} |', flush=True)


if __name__ == '__main__':
    main()
