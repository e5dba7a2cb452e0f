"""The human rationale used as a mask, scored by a comparison config's
metrics (the HumanRationale row of docs/results/text_transformer.md):

    python benchmarks/text_human_rationale.py configs/compare/minilm_eraser_movies.py \
        --work-dir work_dirs/compare_minilm_eraser

writes ``<work-dir>/HumanRationale/input_masks/<doc>.npy`` (1 on the words of
human evidence, per word as the dataset gives them) and its metric folders,
and prints the summaries as JSON."""
import argparse
import json
import os.path as osp

import numpy as np

from input_iba.apis import build_dataset, build_model, load_config
from input_iba.apis.builders import build_evaluator
from input_iba.utils import save_npy


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    args = parser.parse_args(argv)
    cfg = load_config(args.config, required=('model', 'data', 'metrics'))
    model = build_model(cfg.model).eval()
    dataset = build_dataset(cfg.data.attribute)
    run_dir = osp.join(args.work_dir, 'HumanRationale')
    for i in range(len(dataset)):
        item = dataset[i]
        save_npy(osp.join(run_dir, 'input_masks', item['name'] + '.npy'),
                 np.asarray(item['rationale'], np.float32))
    summaries = {metric: build_evaluator(cfg, metric, model).run(
        dataset, osp.join(run_dir, 'input_masks'), osp.join(run_dir, 'eval_input_masks'),
        range(len(dataset))) for metric in cfg.metrics}
    print(json.dumps(summaries, indent=1, default=str))
    return summaries


if __name__ == '__main__':
    main()
