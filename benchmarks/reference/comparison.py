"""InputIBA of this project beside the reference implementation
(CAMP-eXplain-AI/InputIBA), on the same model and images: ours with the
reference's schedule (``--ours same``) and with our named schedules (e.g.
``fast``, the default).

Each run (the reference, then ours for every ``--ours`` and batch size)
happens in a fresh process, one after the other, so that its peak memory
(max RSS) is its own:

    git --git-dir=<mirror of CAMP-eXplain-AI/InputIBA> archive HEAD | tar -x -C /tmp/refcode
    python -m benchmarks.reference.comparison --reference-dir /tmp/refcode \\
        --images 2 --batch-sizes 1 --schedule reference --ours same fast --threads 1

Model: EfficientNet-Lite0 (ImageNet weights, offline), layer ``blocks.2``;
images: the first ``--images`` shared ImageNet images (ImageNetBoxes, 224x224,
mean = std = 0.5); target: the predicted class; estimation on the same images.
``--schedule reference`` is the reference's VGG16 schedule (methods.md §2);
``light`` is the same with 2 GAN epochs and 10 input steps (a 2-core CPU).
Timings cover the attribution only (not loading or estimation); peak memory
is the whole process's. The reference needs mmcv 1.x names: a small shim
(benchmarks/reference/shims/) stands in for them in its process only. No
reference code is part of this project.
"""
import argparse
import importlib
import json
import os.path as osp
import random
import resource
import sys
import time
from typing import Optional, Sequence

import torch

from benchmarks.common import SMOKE_SCHEDULE, benchmark_parser, parse_args, run_module

SHIMS = osp.join(osp.dirname(osp.abspath(__file__)), 'shims')
FETCH_HINT = (
    'Export the reference checkout first, outside the project, e.g.\n'
    '  git clone https://github.com/CAMP-eXplain-AI/InputIBA /tmp/refcode\n'
    'or, from a bare mirror: mkdir /tmp/refcode && git --git-dir=MIRROR archive '
    'HEAD | tar -x -C /tmp/refcode\n'
    'then pass --reference-dir /tmp/refcode.')

LIGHT_OVERRIDES = dict(gan_epochs=2, input_steps=10)


def build_schedule(args):
    """The reference's schedule (ours, 'published', with the stages named
    feat / gan / input) after --schedule light, the overrides and --smoke."""
    from input_iba.models.attributors.input_iba import SCHEDULES
    published = SCHEDULES['published']
    sched = dict(feat=dict(published['feat_iba']), gan=dict(published['gan']),
                 input=dict(published['input_iba']))
    light = LIGHT_OVERRIDES if args.schedule == 'light' else {}
    epochs = args.gan_epochs or light.get('gan_epochs')
    steps = args.input_steps or light.get('input_steps')
    if epochs:
        sched['gan']['epochs'] = epochs
    if steps:
        sched['input']['steps'] = steps
    if args.smoke:
        for stage, key in (('feat', 'feat_iba'), ('gan', 'gan'), ('input', 'input_iba')):
            sched[stage].update(SMOKE_SCHEDULE[key])
    return sched


def load_inputs(model, count):
    """The first ``count`` shared ImageNet images and the model's predictions."""
    from input_iba.datasets import ImageNetBoxes
    dataset = ImageNetBoxes()
    if len(dataset) < count:
        raise SystemExit(f'only {len(dataset)} images available, asked {count}')
    images = torch.stack([dataset[i]['inputs'] for i in range(count)])
    with torch.no_grad():
        targets = model(images).argmax(1)
    return images, targets


def run_ours(model, images, targets, sched, batch_size, channels_last,
             schedule_name):
    """Our InputIBA with the reference's schedule (``schedule_name='same'``)
    or one of our named schedules, batch norm folded as in the configs."""
    from input_iba.models.attributors import InputIBA
    adapter = dict(type='ImageAdapter', channels_last=channels_last,
                   fold_batchnorm=True)
    if schedule_name == 'same':
        att = InputIBA(model, 'blocks.2', adapter=adapter, schedule='published',
                       feat_iba=sched['feat'], gan=sched['gan'],
                       input_iba=sched['input'])
    else:
        att = InputIBA(model, 'blocks.2', adapter=adapter, schedule=schedule_name)
    att.estimate([dict(inputs=images)], len(images), progress=False)

    def attribute_all():
        for i in range(0, len(images), batch_size):
            sl = slice(i, i + batch_size)
            att.attribute(images[sl], targets[sl],
                          seeds=list(range(i, i + len(images[sl]))))
    return attribute_all


def import_reference(reference_dir):
    """Swap this project's ``input_iba`` (and any mmcv 2 loaded) for the
    reference's package (same name) and the mmcv shim; objects built before
    keep working."""
    if not osp.isfile(osp.join(reference_dir, 'input_iba', 'models',
                               'attributors', 'vision_attributor.py')):
        raise SystemExit(f'{reference_dir!r} is not a checkout of '
                         f'CAMP-eXplain-AI/InputIBA.\n{FETCH_HINT}')
    for name in [m for m in sys.modules
                 if m.split('.')[0] in ('input_iba', 'mmcv')]:
        del sys.modules[name]
    sys.path[:0] = [osp.abspath(reference_dir), SHIMS]
    # IPython >= 8 moved display() out of IPython.core.display, where the
    # reference's text attributor imports it from.
    import IPython.core.display
    import IPython.display
    IPython.core.display.display = IPython.display.display
    importlib.invalidate_caches()
    ref = importlib.import_module('input_iba.models')
    if not osp.abspath(ref.__file__).startswith(osp.abspath(reference_dir)):
        raise SystemExit(f'imported {ref.__file__}, not the reference')
    return ref


def run_reference(model, images, targets, sched, reference_dir):
    ref = import_reference(reference_dir)
    ref.MODELS.register_module(name='InjectedClassifier',
                               module=lambda: model)
    cpu = dict(device='cpu')
    attributor = ref.build_attributor(dict(
        type='VisionAttributor', layer='blocks.2', use_softmax=True,
        classifier=dict(source='custom', type='InjectedClassifier'),
        feat_iba=dict(type='VisionFeatureIBA', input_or_output='output',
                      active_neurons_threshold=0.01, initial_alpha=5.0, **cpu),
        input_iba=dict(type='VisionInputIBA', initial_alpha=5.0, sigma=1.0,
                       **cpu),
        gan=dict(type='VisionWGAN', generator=dict(type='VisionGenerator'),
                 discriminator=dict(type='VisionDiscriminator')), **cpu))
    attributor.estimate([(images, )], dict(n_samples=len(images),
                                           verbose=False))
    f, g, n = sched['feat'], sched['gan'], sched['input']
    cfg = dict(
        feat_iba=dict(batch_size=f['copies'], beta=f['beta'],
                      opt_steps=f['steps'], lr=f['lr'], log_every_steps=-1),
        gan=dict(dataset_size=g['dataset_size'],
                 sub_dataset_size=g['subset_size'], lr=g['critic_lr'],
                 batch_size=g['batch_size'], weight_clip=g['weight_clip'],
                 epochs=g['epochs'], critic_iter=g['critic_iters'],
                 verbose=False),
        input_iba=dict(beta=n['beta'], opt_steps=n['steps'], lr=n['lr'],
                       batch_size=n['copies'], log_every_steps=-1))

    def attribute_all():
        for image, target in zip(images, targets):
            attributor.make_attribution(image, int(target), cfg)
    return attribute_all


def worker(args):
    import warnings
    warnings.filterwarnings('ignore')
    torch.manual_seed(0)
    random.seed(0)
    from input_iba.registry import MODELS
    model = MODELS.build(dict(type='EfficientNetLite0')).eval()
    images, targets = load_inputs(model, args.images)
    sched = build_schedule(args)
    if args.worker == 'reference':
        attribute_all = run_reference(model, images, targets, sched,
                                      args.reference_dir)
    else:
        attribute_all = run_ours(model, images, targets, sched,
                                 args.batch_size, args.channels_last, args.ours[0])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start, cpu0 = time.perf_counter(), usage.ru_utime + usage.ru_stime
    attribute_all()
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps(dict(
        impl=args.worker if args.worker == 'reference' else f'ours ({args.ours[0]})',
        batch_size=args.batch_size, images=len(images),
        seconds=seconds, images_per_s=len(images) / seconds,
        cpu_s_per_image=(usage.ru_utime + usage.ru_stime - cpu0) / len(images),
        peak_mib=usage.ru_maxrss / 1024)))


def run_worker(args, impl, batch_size, ours='same'):
    cmd = ['--worker', impl, '--ours', ours, '--batch-size', str(batch_size),
           '--images', str(args.images), '--schedule', args.schedule,
           '--threads', str(args.threads), '--channels-last', str(int(args.channels_last))]
    for flag in ('reference_dir', 'gan_epochs', 'input_steps'):
        if getattr(args, flag):
            cmd += ['--' + flag.replace('_', '-'), str(getattr(args, flag))]
    out = run_module(__spec__.name, cmd + ['--smoke'] * args.smoke)
    if out.returncode != 0:
        raise SystemExit(f'{impl} run failed:\n{out.stderr[-3000:]}')
    row = json.loads(out.stdout.strip().splitlines()[-1])
    print(f'{row["impl"]:9s} batch {batch_size}: {row["images_per_s"]:.4f} images/s, '
          f'{row["cpu_s_per_image"]:.1f} CPU s/image, peak '
          f'{row["peak_mib"]:.0f} MiB', flush=True)
    return row


def print_table(args, rows):
    ref = rows[0]
    print(f'\nEfficientNet-Lite0, layer blocks.2, {args.images} shared ImageNet '
          f'images 224x224, schedule {args.schedule!r} '
          f'{json.dumps(build_schedule(args))}, CPU, {args.threads} thread(s), '
          f'torch {torch.__version__}, ours channels_last={args.channels_last}')
    print('| implementation | batch size | images/s | CPU s per image | '
          'peak RSS (MiB) | speed vs reference (wall) | (CPU time) |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for r in rows:
        print(f'| {r["impl"]} | {r["batch_size"]} | {r["images_per_s"]:.4f} | '
              f'{r["cpu_s_per_image"]:.1f} | {r["peak_mib"]:.0f} | '
              f'{r["images_per_s"] / ref["images_per_s"]:.2f}x | '
              f'{ref["cpu_s_per_image"] / r["cpu_s_per_image"]:.2f}x |')


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, smoke='2 steps on 2 noise copies per stage, the GAN '
                              'on one batch of 2 (benchmarks.common)')
    parser.add_argument('--reference-dir',
                        help='exported checkout of CAMP-eXplain-AI/InputIBA')
    parser.add_argument('--images', type=int, default=4)
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--schedule', choices=('light', 'reference'),
                        default='light', help="the reference's schedule (and "
                        "ours with --ours same): 'reference' = published")
    parser.add_argument('--ours', nargs='+', default=['same', 'fast'],
                        type=str,
                        help="our runs: 'same' (the reference's schedule) or "
                        'names of our schedules (fast, published)')
    parser.add_argument('--gan-epochs', type=int,
                        help='override the schedule\'s GAN epochs')
    parser.add_argument('--input-steps', type=int,
                        help='override the schedule\'s input IBA steps')
    parser.add_argument('--channels-last', type=int, choices=(0, 1), default=1,
                        help='our memory layout (1: as in the configs)')
    parser.add_argument('--worker', choices=('ours', 'reference'),
                        help=argparse.SUPPRESS)
    parser.add_argument('--batch-size', type=int, default=1,
                        help=argparse.SUPPRESS)
    args = parse_args(parser, argv)
    args.channels_last = bool(args.channels_last)
    if args.worker:
        return worker(args)
    if not args.reference_dir:
        raise SystemExit(f'--reference-dir is required.\n{FETCH_HINT}')
    rows = [run_worker(args, 'reference', 1)]
    rows += [run_worker(args, 'ours', bs, ours) for ours in args.ours
             for bs in args.batch_sizes]
    print_table(args, rows)


if __name__ == '__main__':
    main()
