"""Training speed of the text classifiers, side by side in one process: the
BiLSTM-attention model of the ROAR configs on real SST-2 batches (batch 32),
one thread; Adam's default (foreach) against its fused kernel on the same
batches, and the fused kernel on batches bucketed by length
(``train.bucket``).

    OMP_NUM_THREADS=1 python -m benchmarks.speed.classifier_training_speed [--batches 60]

Prints milliseconds per forward, backward and optimiser step of each, the
largest weight difference between the two kernels after the same batches
(they compute the same update up to float rounding) and the padded length
of a batch against its mean length.
"""
import copy
import time
from typing import Optional, Sequence

import torch
import torch.nn.functional as F

from benchmarks.common import benchmark_parser, parse_args
from input_iba.datasets.text.text_datasets import SST2
from input_iba.models.classifiers.bilstm_attention import BiLSTMAttention
from input_iba.training.classifier import batches_of


def timed_training(model, batches, **kernel):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, **kernel)
    seconds = dict(forward=0.0, backward=0.0, step=0.0)
    for batch in batches:
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(batch['inputs'], batch['padding_mask']), batch['targets'])
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        t3 = time.perf_counter()
        for name, dt in zip(seconds, (t1 - t0, t2 - t1, t3 - t2)):
            seconds[name] += dt
    return {name: 1e3 * s / len(batches) for name, s in seconds.items()}


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__)
    parser.add_argument('--batches', type=int, default=60)
    args = parse_args(parser, argv)
    data = SST2(split='train', num_samples=6920, min_tokens=10)
    batches = [b for _, b in zip(range(args.batches), batches_of(data, 32, True))]
    bucketed = [b for _, b in zip(range(args.batches), batches_of(data, 32, True, bucket=50))]
    torch.manual_seed(0)
    base = BiLSTMAttention(vocab_size=len(data.vocab))
    print(f'BiLSTM-attention, vocabulary {len(data.vocab)}: '
          f'{sum(p.numel() for p in base.parameters()):,} parameters, {len(batches)} batches')
    timed_training(copy.deepcopy(base), batches[:5])  # warm-up
    models = {}
    for name, kernel in (('foreach', dict(foreach=True)), ('fused', dict(fused=True))):
        models[name] = copy.deepcopy(base)
        ms = timed_training(models[name], batches, **kernel)
        print(f'{name:8s}' + ''.join(f'  {k} {v:6.1f} ms' for k, v in ms.items()))
    diff = max((a - b).abs().max().item() for a, b in
               zip(models['foreach'].parameters(), models['fused'].parameters()))
    print(f'largest weight difference after {len(batches)} steps: {diff:.2e}')
    ms = timed_training(copy.deepcopy(base), bucketed, fused=True)
    print('fused, bucket=50' + ''.join(f'  {k} {v:6.1f} ms' for k, v in ms.items()))
    for name, bs in (('plain', batches), ('bucket=50', bucketed)):
        padded = sum(b['inputs'].shape[1] for b in bs) / len(bs)
        mean = sum(b['lengths'].float().mean().item() for b in bs) / len(bs)
        print(f'{name}: padded length {padded:.1f} tokens, mean length {mean:.1f}')


if __name__ == '__main__':
    main()
