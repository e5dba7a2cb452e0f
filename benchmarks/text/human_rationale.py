"""The human rationale used as a mask, scored by a comparison config's
metrics (the HumanRationale row of docs/results/text_transformer.md):

    python -m benchmarks.text.human_rationale configs/compare/minilm_eraser_movies.py \
        --work-dir work_dirs/compare_minilm_eraser

writes ``<work-dir>/HumanRationale/input_masks/<doc>.npy`` (1 on the words of
human evidence, per word as the dataset gives them) and its metric folders,
and prints the summaries as JSON."""
import json
import os.path as osp
from typing import Optional, Sequence

import numpy as np

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis import build_dataset, build_model, load_config
from input_iba.apis.builders import build_evaluator
from input_iba.utils import save_npy
from input_iba.utils.layout import WorkDir


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = benchmark_parser(__doc__, config=True, cfg_options=True,
                              work_dir='the comparison\'s work dir: writes HumanRationale/ there')
    args = parse_args(parser, argv)
    cfg = load_config(args.config, args.cfg_options, required=('model', 'data', 'metrics'))
    model = build_model(cfg.model).eval()
    dataset = build_dataset(cfg.data.attribute)
    run_dir = WorkDir(osp.join(args.work_dir, 'HumanRationale'))
    for i in range(len(dataset)):
        item = dataset[i]
        save_npy(run_dir.mask(item['name']), np.asarray(item['rationale'], np.float32))
    summaries = {metric: build_evaluator(cfg, metric, model).run(
        dataset, run_dir.masks(), run_dir.eval_dir(), range(len(dataset)))
        for metric in cfg.metrics}
    print(json.dumps(summaries, indent=1, default=str))
    return summaries


if __name__ == '__main__':
    main()
