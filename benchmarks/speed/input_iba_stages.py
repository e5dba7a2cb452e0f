"""CPU seconds of each InputIBA stage, with and without the speed-ups that
do not change the result, side by side in one process:

    python -m benchmarks.speed.input_iba_stages --images 2 --schedule fast --threads 1
    python -m benchmarks.speed.input_iba_stages --sentences 256 --schedule published_text

With ``--sentences`` the model is BiLSTM-attention (the Recursive ROAR
model, random weights: the cost does not depend on them) on that many SST-2
training sentences, InputIBA at its BiLSTM ``encoder``, in batches of 32;
the variants: the default (the encoder skipped in the feature stage, its
output a constant: ``hooks.bypass``) and the encoder run and its output
replaced by a hook.

Variants: the default (batch norm folded, the feature stage running only
the network after the layer, ReLU gradients smoothed), batch norm not
folded, the feature stage through the whole network (the layer run and its
output replaced by a hook), the exact ReLU gradients (``activation_gradient_width=0``,
which changes the masks by design). Each
variant attributes the same images with the same seeds; the table gives CPU
seconds per image for the feature, GAN and input stages and the largest
difference of the final masks to the first variant (batch norm folding
changes the logits by ~1e-5, which the input stage may amplify: see
docs/results/speed.md).
"""
import resource
import time
from typing import Optional, Sequence

import torch

from benchmarks.common import SMOKE_SCHEDULE, benchmark_parser, parse_args
from input_iba.datasets import SST2, ImageNetBoxes
from input_iba.models.attributors import InputIBA
from input_iba.registry import MODELS

VARIANTS = (('default', dict(fold_batchnorm=True), True, {}),
            ('batch norm not folded', dict(fold_batchnorm=False), True, {}),
            ('feature stage through the whole network', dict(fold_batchnorm=True),
             False, {}),
            ('exact ReLU gradients', dict(fold_batchnorm=True), True,
             dict(activation_gradient_width=0.0)))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StageTimer:
    """Wraps the three stage methods of an InputIBA and adds up their CPU time."""

    STAGES = ('fit_feature_bottleneck', 'fit_generator', 'fit_input_bottleneck')

    def __init__(self, attributor):
        self.seconds = dict.fromkeys(self.STAGES, 0.0)
        for name in self.STAGES:
            setattr(attributor, name, self._timed(name, getattr(attributor, name)))

    def _timed(self, name, fn):
        def wrapper(*args, **kwargs):
            start = cpu_seconds()
            out = fn(*args, **kwargs)
            self.seconds[name] += cpu_seconds() - start
            return out
        return wrapper


def print_table(title, labels, timers, walls, masks, count, unit):
    first = torch.cat(masks[0])
    print(title)
    print('| variant | feature stage | GAN | input stage | total (CPU s/' + unit
          + ') | wall s/' + unit + ' | max |mask - first| |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for label, timer, wall, m in zip(labels, timers, walls, masks):
        cells = [timer.seconds[s] / count for s in StageTimer.STAGES]
        diff = float((torch.cat(m) - first).abs().max())
        print(f'| {label} | ' + ' | '.join(f'{c:.4f}' for c in cells)
              + f' | {sum(cells):.4f} | {wall / count:.4f} | {diff:.2g} |')


def text_stages(args):
    data = SST2(split='train', num_samples=args.sentences, min_tokens=10)
    torch.manual_seed(0)
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=len(data.vocab))).eval()
    batches = [data.collate([data[i] for i in range(start, min(start + 32, len(data)))])
               for start in range(0, len(data), 32)]
    labels = ('default (encoder bypassed in the feature stage)',
              'encoder run, its output replaced by a hook')
    attributors, timers = [], []
    for skip in (True, False):
        att = InputIBA(model, 'encoder', schedule=args.schedule,
                       adapter=dict(type='TokenEmbeddingAdapter'), **smoke(args))
        att.estimate(batches, len(data), progress=False)
        if not skip:
            att._skip_layer = False
        attributors.append(att)
        timers.append(StageTimer(att))
    walls, masks = [0.0, 0.0], [[], []]
    for b, batch in enumerate(batches):
        seeds = list(range(32 * b, 32 * b + len(batch['inputs'])))
        for v, att in enumerate(attributors):
            start = time.perf_counter()
            res = att.attribute(batch['inputs'], batch['targets'], seeds=seeds,
                                padding_mask=batch['padding_mask'])
            walls[v] += time.perf_counter() - start
            masks[v].append(res.input_masks.flatten())
    print_table(f'BiLSTM-attention (random weights), encoder, {len(data)} SST-2 training '
                f'sentences, schedule {args.schedule!r}, CPU, {torch.get_num_threads()} thread(s), '
                'batches of 32, the variants in turn', labels, timers, walls, masks,
                len(data), 'sentence')


def smoke(args):
    """InputIBA's stage options under ``--smoke``."""
    return SMOKE_SCHEDULE if args.smoke else {}


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__,
                              smoke='2 steps on 2 noise copies per stage (benchmarks.common)')
    parser.add_argument('--images', type=int, default=2)
    parser.add_argument('--sentences', type=int, default=0,
                        help='time text InputIBA on this many SST-2 sentences instead')
    parser.add_argument('--schedule', default='fast')
    args = parse_args(parser, argv)
    if args.sentences:
        return text_stages(args)
    model = MODELS.build(dict(type='EfficientNetLite0')).eval()
    dataset = ImageNetBoxes()
    images = torch.stack([dataset[i]['inputs'] for i in range(args.images)])
    estimation = torch.stack([dataset[i]['inputs'] for i in range(len(dataset))])
    attributors, timers, walls, masks = [], [], [], []
    for label, adapter, suffix, options in VARIANTS:
        att = InputIBA(model, 'blocks.2', schedule=args.schedule, adapter=dict(
            type='ImageAdapter', channels_last=True, **adapter), **options, **smoke(args))
        att.estimate([dict(inputs=estimation)], len(estimation), progress=False)
        if not suffix:
            att._suffix, att._skip_layer = False, False
        attributors.append(att)
        timers.append(StageTimer(att))
        walls.append(0.0)
        masks.append([])
    targets = attributors[0].predict(images).argmax(-1)
    # image by image, every variant in turn: a change of the machine's load
    # hits all variants alike
    for i in range(args.images):
        for v, att in enumerate(attributors):
            start = time.perf_counter()
            masks[v].append(att.attribute(images[i:i + 1], targets[i:i + 1],
                                          seeds=[i]).input_masks)
            walls[v] += time.perf_counter() - start
    print_table(f'EfficientNet-Lite0, blocks.2, {args.images} shared ImageNet images, '
                f'schedule {args.schedule!r}, CPU, {torch.get_num_threads()} thread(s), one image '
                'at a time, the variants in turn', [v[0] for v in VARIANTS], timers,
                walls, masks, args.images, 'image')

if __name__ == '__main__':
    main()
