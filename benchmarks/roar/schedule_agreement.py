"""How light a ROAR measure's schedule can be: the tokens that each variant
of a measure masks, against those of a reference schedule, on a trained
classifier of a ROAR study (its unmasked model,
``<work-dir>/seed<S>/k0/best.pth``) and the first documents of its training
split. Variants and the reference are overrides of the config's measure.

    # integrated gradients with fewer points than the published 50
    python -m benchmarks.roar.schedule_agreement \\
        configs/roar/bilstm_attention_sst2_10_levels_cpu.py \\
        --work-dir work_dirs/roar_sst2_10_levels --measure integrated_gradients --documents 500 \\
        --reference '{"steps": 50}' --variants '{"3": {"steps": 3}, "10": {"steps": 10}}'
    # InputIBA: a light schedule against the GPU config's (two seeds of it: how
    # much the reference agrees with itself)
    python -m benchmarks.roar.schedule_agreement configs/roar/bilstm_attention_sst2_paper.py \\
        --work-dir work_dirs/roar_sst2_10_levels --measure InputIBA --documents 256 \\
        --reference-seeds 2 \\
        --variants '{"light": {"feat_iba": {"copies": 1}, "gan": {"epochs": 0},
                               "input_iba": {"steps": 5, "copies": 1}}}'

Prints, for every variant and masking level, the share of the reference's
masked tokens that the variant masks too (against each reference seed), and
the seconds per document of each.
"""
import json
import time
from typing import Optional, Sequence

from mmengine.config import Config

from benchmarks.common import benchmark_parser, parse_args
from input_iba.datasets import Subset
from input_iba.evaluation.roar.build import build_study
from input_iba.evaluation.roar.study import compute_importance

LEVELS = (10, 20, 30, 50, 70, 90)


def masked_positions(study, docs, importance, level):
    """Per document, the positions the study's masking rule replaces at
    ``level`` (special tokens never, levels count the maskable ones)."""
    ids = [docs[i]['inputs'] for i in range(len(docs))]
    return [set((study.mask_document(doc, imp, level) != doc).nonzero()[:, 0].tolist())
            for doc, imp in zip(ids, importance)]


def merged(measure, overrides):
    """``measure`` with ``overrides`` applied; a dict value updates the
    measure's dict of that key (e.g. one option of a stage)."""
    out = dict(measure)
    for key, value in overrides.items():
        out[key] = dict(out.get(key) or {}, **value) if isinstance(value, dict) else value
    return out


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, config=True,
                              work_dir="the finished ROAR study's work dir (read)")
    parser.add_argument('--measure', required=True, help="a key of the config's measures")
    parser.add_argument('--reference', default='{}', help='JSON overrides of the reference')
    parser.add_argument('--reference-seeds', type=int, default=1,
                        help='runs of the reference with seeds 0, 1, ...')
    parser.add_argument('--variants', required=True,
                        help='JSON {name: overrides of the measure}')
    parser.add_argument('--seed', type=int, default=0, help="the study seed's model")
    parser.add_argument('--documents', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=32)
    args = parse_args(parser, argv)
    cfg = Config.fromfile(args.config)
    study = build_study(cfg, args.work_dir)
    if args.measure not in study.measures:
        parser.error(f'--measure {args.measure!r} is not in the config: {sorted(study.measures)}')
    train = study.datasets['train']
    model = study.unmasked_model(args.seed)
    docs = Subset(train, range(min(args.documents, len(train))))
    runs = [(f'reference (seed {s})', json.loads(args.reference), s)
            for s in range(args.reference_seeds)]
    runs += [(name, over, 0) for name, over in json.loads(args.variants).items()]
    importance, seconds = {}, {}
    for name, overrides, seed in runs:
        attributor = study.build_measure(merged(study.measures[args.measure], overrides),
                                         model, train)
        start = time.perf_counter()
        importance[name] = compute_importance(attributor, docs, args.batch_size, seed, name)
        seconds[name] = (time.perf_counter() - start) / len(docs)
    masked = {name: {level: masked_positions(study, docs, imp, level) for level in LEVELS}
              for name, imp in importance.items()}
    references = [name for name, _, _ in runs[:args.reference_seeds]]
    print(f'{args.measure}: {len(docs)} training documents, the unmasked model of seed '
          f'{args.seed}; share of the reference\'s masked tokens (one row per reference seed)')
    print('| variant | against | s per document | ' + ' | '.join(f'{k}%' for k in LEVELS) + ' |')
    print('|---|---|---:|' + '---:|' * len(LEVELS))
    for name, _, _ in runs:
        for ref in references:
            shares = []
            for level in LEVELS:
                ours, theirs = masked[name][level], masked[ref][level]
                both = sum(len(a & b) for a, b in zip(ours, theirs))
                shares.append(both / sum(len(b) for b in theirs))
            print(f'| {name} | {ref} | {seconds[name]:.4f} | '
                  + ' | '.join(f'{s:.3f}' for s in shares) + ' |')


if __name__ == '__main__':
    main()
