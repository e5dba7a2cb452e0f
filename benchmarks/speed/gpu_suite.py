"""InputIBA on one GPU: throughput, peak memory, bf16 and torch.compile.

EfficientNet-Lite0 at ``blocks.2`` on the 68 ImageNet images with boxes
(imagenet/ + imagenet_dev/; the config of benchmarks/quality/input_iba_quality.py),
layer statistics from the same images, the predicted class as target and one
seed per image (``input_iba.utils.sample_seed``). Runs, one after the other
in one process (peak memory is reset before each):

- ``fast`` (the default schedule) and ``published``
  (``attributor.schedule=published``) at ``--batch-size``;
- ``batch_1`` / ``batch_8`` / ``batch_32``: the default schedule at 1, 8 and
  32 images per ``attribute`` call (the one at ``--batch-size`` is the
  ``fast`` run itself);
- ``fast_bf16``: the default schedule under ``torch.autocast`` with
  bfloat16, its input masks compared with the fp32 ``fast`` masks;
- ``fast_compiled``: the default schedule with the classifier compiled in
  place (``nn.Module.compile``); a compilation error is recorded, not raised;
- ``amortised_1`` / ``amortised_32``: the amortised InputIBA (the empirical
  explainer of :data:`EXPLAINER_CONFIG`, one forward pass) at 1 and 32
  images per call. Its time does not depend on its weights, so an untrained
  head is timed when no checkpoint is given (``--explainer-checkpoint``).

Images/s count the ``attribute`` calls only (synchronised); the first batch
of a run includes warm-up (and compilation), so the rate after it is given
too. A time budget (``--budget-s``, default 7 minutes of attribution) is
shared among the runs: a run stops before a batch that would overrun its
share and records how many images it used. One JSON
(``<work-dir>/gpu_suite.json``, beside the cached layer statistics) holds the
machine, every setting and every number; it is rewritten after each run.
``--smoke`` checks every run end to end on 2 images on the CPU with the
cheapest schedules (2 steps and 2 copies per stage, the GAN on one batch of 2)::

    sh benchmarks/speed/gpu_suite.sh                       # on a GPU machine
    sh benchmarks/speed/gpu_suite.sh --smoke --work-dir work_dirs/gpu_suite_smoke
"""
import argparse
import contextlib
import json
import os
import os.path as osp
import time
from typing import Optional, Sequence

import torch
from mmengine.config import Config

from benchmarks import common
from benchmarks.quality.input_iba_quality import CONFIG, setup
from input_iba.apis.builders import config_adapter, prepare_statistics, with_adapter
from input_iba.models.attributors import EmpiricalExplainer
from input_iba.utils import sample_seed
from input_iba.utils.machine import describe_machine

BATCH_SIZES = (1, 8, 32)
PUBLISHED = {'attributor.schedule': 'published'}
#: the JSON report, in the work dir
REPORT = 'gpu_suite.json'
#: the reference InputIBA on one H100 (issue 27; the data README: 3.9-4.2 s)
REFERENCE_SECONDS_PER_IMAGE = 3.9
#: each run's share of the time budget left when it starts
WEIGHTS = dict(fast=1.0, published=3.0, batch_1=1.5, batch_8=1.0, batch_32=1.0,
               fast_bf16=1.0, fast_compiled=2.0, amortised_1=0.2, amortised_32=0.2)
#: the amortised InputIBA on images (issue 31): its explainer section
EXPLAINER_CONFIG = 'configs/empirical_explainer/input_iba_default_efficientnet_lite0.py'
AMORTISED_BATCH_SIZES = (1, 32)
BF16_NOTE = ('torch.autocast(bfloat16) around attribute(): the classifier runs in bf16; the '
             "mask parameters of both stages stay fp32 and the returned masks are fp32")


def machine(device: torch.device) -> dict:
    cuda = device.type == 'cuda'
    return dict(describe_machine(device), device=str(device),
                gpu_memory_gib=(torch.cuda.get_device_properties(device).total_memory / 2**30
                                if cuda else None),
                cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version() if cuda else None,
                cudnn_allow_tf32=torch.backends.cudnn.allow_tf32,
                matmul_allow_tf32=torch.backends.cuda.matmul.allow_tf32,
                cudnn_benchmark=torch.backends.cudnn.benchmark)


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def build(cfg_options: dict, device: torch.device, work_dir: str, num_images: int):
    """The attributor of the config with ``cfg_options`` on ``device``, its
    layer statistics estimated on the first ``num_images`` images (cached
    in ``work_dir``), and the dataset."""
    cfg, _, attributor, dataset = setup(cfg_options)
    attributor.model.to(device)
    cfg.data.num_estimation_samples = num_images
    prepare_statistics(cfg, attributor, work_dir)
    return attributor, dataset


def amortised(model: torch.nn.Module, checkpoint: Optional[str]) -> EmpiricalExplainer:
    """The explainer of :data:`EXPLAINER_CONFIG` on ``model`` (its weights
    from ``checkpoint``, or an untrained head: the same time)."""
    cfg = Config.fromfile(EXPLAINER_CONFIG)
    return EmpiricalExplainer(model, checkpoint=checkpoint,
                              **with_adapter(cfg.explainer, config_adapter(cfg)))


def attribute_run(attributor, items: list, targets: dict, batch_size: int, seed: int,
                  budget_s: float, device: torch.device,
                  autocast_dtype: Optional[torch.dtype] = None) -> tuple:
    """Attribute ``items`` in batches of ``batch_size`` until they are done or
    the next batch (timed as the last one) would end after ``budget_s``;
    the first batch always runs. Return the run's record and its input
    masks by image name."""
    if device.type == 'cuda':
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    masks, batch_seconds = {}, []
    for pos in range(0, len(items), batch_size):
        if batch_seconds and sum(batch_seconds) + batch_seconds[-1] > budget_s:
            break
        batch = items[pos:pos + batch_size]
        inputs = torch.stack([it['inputs'] for it in batch])
        target = torch.tensor([targets[it['name']] for it in batch])
        seeds = [sample_seed(seed, it['name']) for it in batch]
        autocast = (torch.autocast(device.type, dtype=autocast_dtype) if autocast_dtype
                    else contextlib.nullcontext())
        synchronize(device)
        start = time.perf_counter()
        with autocast:
            result = attributor.attribute(inputs, target, seeds=seeds)
        synchronize(device)
        batch_seconds.append(time.perf_counter() - start)
        # under bf16 autocast the input masks come back in bf16 (BF16_NOTE)
        masks.update({it['name']: m.float() for it, m in zip(batch, result.input_masks)})
    seconds, done = sum(batch_seconds), len(masks)
    later = len(masks) - min(batch_size, len(items))
    record = dict(
        batch_size=batch_size, images=done, images_requested=len(items),
        stopped_by_budget=done < len(items), budget_s=budget_s, seconds=seconds,
        batch_seconds=batch_seconds, images_per_s=done / seconds,
        images_per_s_after_first_batch=(later / sum(batch_seconds[1:]) if later else None),
        peak_memory_bytes=(torch.cuda.max_memory_allocated(device)
                           if device.type == 'cuda' else None))
    return record, masks


def mask_difference(masks: dict, reference: dict) -> dict:
    """Max and mean absolute difference of ``masks`` to ``reference`` over
    the images both have."""
    names = sorted(set(masks) & set(reference))
    diff = torch.stack([(masks[n] - reference[n]).abs() for n in names])
    return dict(images=len(names), max_abs=float(diff.max()), mean_abs=float(diff.mean()))


def error_text(err: BaseException) -> str:
    return f'{type(err).__name__}: {err}'[:4000]


def print_table(report: dict) -> None:
    """The runs as a Markdown table; × reference: images/s over the
    reference's on an H100 (none in a smoke run)."""
    smoke = report['settings']['smoke']
    print(f"\n{report['machine']['gpu'] or report['machine']['cpu']}, torch "
          f"{report['machine']['torch']}"
          + (' (smoke run: CPU, cheapest schedules)' if smoke else ''))
    print('| run | images | batch | images/s | after 1st batch | × reference | peak GiB | '
          'max |Δ| to fast | mean |Δ| |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for name, run in report['runs'].items():
        if 'images' not in run:
            why = run.get('skipped') or 'error: ' + run['error'].splitlines()[0][:80]
            print(f'| {name} | {why} |')
            continue
        after = run['images_per_s_after_first_batch']
        peak = run['peak_memory_bytes']
        diff = run.get('mask_difference_to_fast', {})
        cells = [str(run['images']), str(run['batch_size']), f"{run['images_per_s']:.3f}",
                 '-' if after is None else f'{after:.3f}',
                 '-' if smoke else f"{run['images_per_s'] * REFERENCE_SECONDS_PER_IMAGE:.1f}",
                 '-' if peak is None else f'{peak / 2**30:.2f}',
                 f"{diff['max_abs']:.2e}" if diff else '-',
                 f"{diff['mean_abs']:.2e}" if diff else '-']
        print(f'| {name} | ' + ' | '.join(cells) + ' |')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = common.benchmark_parser(
        __doc__, work_dir=f'the report ({REPORT}) and the cached layer statistics',
        default_work_dir='work_dirs/gpu_suite',
        smoke='every run on 2 images on the CPU, cheapest schedules')
    parser.add_argument('--num-images', type=int,
                        help='images to attribute and estimate on (default: all 68; '
                        'smoke: 2)')
    parser.add_argument('--batch-size', type=int, default=32,
                        help='images per attribute call of fast, published, bf16, compiled')
    parser.add_argument('--budget-s', type=float, default=400.0,
                        help='seconds from the start after which no run begins a '
                        'batch it is predicted not to finish (the runs share them)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--compile-backend', default='inductor')
    parser.add_argument('--explainer-checkpoint',
                        help='trained weights of the amortised runs (explainer.pth of '
                        'tools/train_explainer.py; default: an untrained head, timed the same)')
    args = common.parse_args(parser, argv)
    if args.num_images is None:
        args.num_images = 2 if args.smoke else 68
    return args


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    if not args.smoke and not torch.cuda.is_available():
        raise SystemExit('gpu_suite: no CUDA device. It measures InputIBA on a GPU; '
                         'run it with --smoke to check it end to end on 2 images on '
                         'the CPU.')
    device = torch.device('cpu' if args.smoke else 'cuda')
    base = common.smoke_options() if args.smoke else {}
    published = dict(base, **PUBLISHED)
    wall0 = time.perf_counter()
    attributor, dataset = build(base, device, args.work_dir, args.num_images)
    items = [dataset[i] for i in range(min(args.num_images, len(dataset)))]
    targets = {it['name']: int(attributor.predict(it['inputs'][None].to(device)).argmax())
               for it in items}
    report = dict(
        machine=machine(device),
        settings=dict(config=CONFIG, layer=attributor.layer_name, smoke=args.smoke,
                      images=[it['name'] for it in items], estimation_images=len(items),
                      target='predicted class', seed=args.seed, batch_size=args.batch_size,
                      budget_s=args.budget_s, compile_backend=args.compile_backend,
                      cfg_options=base, published_cfg_options=published,
                      reference_seconds_per_image=REFERENCE_SECONDS_PER_IMAGE,
                      input_masks="the attributor's default output (smoothed)",
                      bf16=BF16_NOTE, compiled='nn.Module.compile of the classifier, in place',
                      amortised=dict(config=EXPLAINER_CONFIG,
                                     checkpoint=args.explainer_checkpoint)),
        runs={})

    out = osp.join(args.work_dir, REPORT)

    def save() -> None:
        os.makedirs(args.work_dir, exist_ok=True)
        report['total_seconds'] = time.perf_counter() - wall0
        with open(out + '.tmp', 'w') as f:
            json.dump(report, f, indent=1)
        os.replace(out + '.tmp', out)

    deadline = wall0 + args.budget_s
    pending = dict(WEIGHTS)

    def budget(name: str) -> float:
        """This run's share of the time left, by :data:`WEIGHTS`."""
        share = pending.pop(name) / (sum(pending.values()) + WEIGHTS[name])
        return max(deadline - time.perf_counter(), 0.0) * share

    def measure(name: str, make, batch_size: int, compare_to: Optional[dict] = None,
                **kwargs) -> None:
        """Run ``name`` with the attributor ``make()`` builds, its input
        masks compared with ``compare_to`` (if given); record it (or its
        error) and save the JSON."""
        run_budget = budget(name)
        if run_budget <= 0:
            report['runs'][name] = dict(batch_size=batch_size, skipped='time budget spent')
            save()
            return
        try:
            record, masks = attribute_run(make(), items, targets, batch_size, args.seed,
                                          run_budget, device, **kwargs)
        except Exception as err:  # noqa: BLE001 - recorded: the other runs go on
            record = dict(batch_size=batch_size, budget_s=run_budget, error=error_text(err))
        else:
            if compare_to is not None:
                record['mask_difference_to_fast'] = mask_difference(masks, compare_to)
        report['runs'][name] = record
        save()
        print(f'{name}: ' + ('error' if 'error' in record else
                             f"{record['images']} images, {record['images_per_s']:.3f} "
                             'images/s'), flush=True)

    record, fast_masks = attribute_run(attributor, items, targets, args.batch_size,
                                       args.seed, budget('fast'), device)
    report['runs']['fast'] = record
    save()
    measure('published', lambda: build(published, device, args.work_dir,
                                       args.num_images)[0], args.batch_size)
    for bs in BATCH_SIZES:
        name = f'batch_{bs}'
        if bs == args.batch_size:
            pending.pop(name)
            report['runs'][name] = dict(report['runs']['fast'], same_run_as='fast')
            continue
        measure(name, lambda: attributor, bs, fast_masks)
    measure('fast_bf16', lambda: attributor, args.batch_size, fast_masks,
            autocast_dtype=torch.bfloat16)

    def compiled():
        fresh = build(base, device, args.work_dir, args.num_images)[0]
        fresh.model.compile(backend=args.compile_backend)
        return fresh
    measure('fast_compiled', compiled, args.batch_size, fast_masks)
    for bs in AMORTISED_BATCH_SIZES:
        measure(f'amortised_{bs}', lambda: amortised(attributor.model, args.explainer_checkpoint),
                bs)
    print_table(report)
    print(f'\nwrote {out} ({report["total_seconds"]:.0f} s in all)')
    return report


if __name__ == '__main__':
    main()
