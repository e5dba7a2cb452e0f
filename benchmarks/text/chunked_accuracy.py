"""Accuracy of a text classifier on documents cut to its positions against
whole documents read in overlapping chunks (the mean of the chunks' logits,
as attribution and the metrics predict them).

    python -m benchmarks.text.chunked_accuracy configs/compare/minilm_eraser_movies_whole.py \
        --work-dir work_dirs/chunked_accuracy
"""
import json
import os
import os.path as osp
import time

import torch

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis import build_dataset, build_model
from input_iba.utils.words import CHUNK_OVERLAP, DocumentRows


@torch.no_grad()
def accuracy(model, data, chunked, batch_size=8):
    """Share of documents whose predicted class is the label, and the
    number of rows (chunks) read."""
    right, rows_read = 0, 0
    for start in range(0, len(data), batch_size):
        items = [data[i] for i in range(start, min(start + batch_size, len(data)))]
        batch = data.collate(items)
        rows = DocumentRows.split(batch['inputs'], batch['padding_mask'], batch['word_ids'],
                                  batch['word_mask'].shape[1],
                                  model.max_positions if chunked else None, CHUNK_OVERLAP)
        logits = rows.mean(model(rows.inputs, rows.padding_mask).float())
        right += int((logits.argmax(-1) == batch['targets']).sum())
        rows_read += len(rows.owner)
    return right / len(data), rows_read


def main(argv=None):
    parser = benchmark_parser(__doc__, config=True, threads=True,
                              work_dir='where accuracy.json goes',
                              smoke='the first 2 documents')
    parser.add_argument('--split', default='val', help="ERASER split (default 'val')")
    parser.add_argument('--num-samples', type=int, help='the first N documents (default all)')
    args = parse_args(parser, argv)
    from mmengine.config import Config
    cfg = Config.fromfile(args.config)
    model = build_model(dict(cfg.model), 'cpu').eval()
    out = {}
    for mode in ('truncate', 'keep'):
        data = build_dataset(dict(type='EraserMovies', split=args.split, tokenizer=cfg.minilm,
                                  num_samples=2 if args.smoke else args.num_samples,
                                  long_documents=mode))
        start = time.perf_counter()
        acc, rows = accuracy(model, data, chunked=mode == 'keep')
        out[mode] = dict(accuracy=acc, documents=len(data), rows=rows,
                         seconds=time.perf_counter() - start)
        print(mode, out[mode], flush=True)
    os.makedirs(args.work_dir, exist_ok=True)
    with open(osp.join(args.work_dir, 'accuracy.json'), 'w') as f:
        json.dump(out, f, indent=1)
    return out


if __name__ == '__main__':
    main()
