"""CPU seconds of each InputIBA stage, with and without the speed-ups that
do not change the result, side by side in one process:

    python benchmarks/input_iba_stages.py --images 2 --schedule fast --threads 1

Variants: the default (batch norm folded, the feature stage running only
the network after the layer, ReLU gradients smoothed), batch norm not
folded, the feature stage through the whole network (the layer's output
replaced by a hook), the exact ReLU gradients (``activation_gradient_width=0``,
which changes the masks by design). Each
variant attributes the same images with the same seeds; the table gives CPU
seconds per image for the feature, GAN and input stages and the largest
difference of the final masks to the first variant (batch norm folding
changes the logits by ~1e-5, which the input stage may amplify: see
docs/results/speed.md).
"""
import argparse
import resource
import time

import torch

from input_iba.datasets import ImageNetBoxes
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=2)
    parser.add_argument('--schedule', default='fast')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = MODELS.build(dict(type='EfficientNetLite0')).eval()
    dataset = ImageNetBoxes()
    images = torch.stack([dataset[i]['inputs'] for i in range(args.images)])
    estimation = torch.stack([dataset[i]['inputs'] for i in range(len(dataset))])
    attributors, timers, walls, masks = [], [], [], []
    for label, adapter, suffix, options in VARIANTS:
        att = InputIBA(model, 'blocks.2', schedule=args.schedule, adapter=dict(
            type='ImageAdapter', channels_last=True, **adapter), **options)
        att.estimate([dict(inputs=estimation)], len(estimation), progress=False)
        if not suffix:
            att._suffix = False
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
    first = torch.cat(masks[0])
    rows = [(label, {k: t / args.images for k, t in timer.seconds.items()},
             wall / args.images, float((torch.cat(m) - first).abs().max()))
            for (label, *_), timer, wall, m in zip(VARIANTS, timers, walls, masks)]
    print(f'EfficientNet-Lite0, blocks.2, {args.images} shared ImageNet images, '
          f'schedule {args.schedule!r}, CPU, {args.threads} thread(s), one image '
          'at a time, the variants in turn')
    print('| variant | feature stage | GAN | input stage | total (CPU s/image) | '
          'wall s/image | max |mask - first| |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for label, stages, wall, diff in rows:
        cells = [stages[s] for s in StageTimer.STAGES]
        print(f'| {label} | ' + ' | '.join(f'{c:.2f}' for c in cells)
              + f' | {sum(cells):.2f} | {wall:.2f} | {diff:.2g} |')


if __name__ == '__main__':
    main()
