"""What each ROAR measure masks first: on the unmasked model of a ROAR study
(``<work-dir>/seed<S>/k0/best.pth``) and its test split, the tokens that
attention and integrated gradients rank in the top ``--level`` percent of
each sentence: how many the two share, how much label information they
carry (the tokens' mutual information with the label on the training split,
in bits, as the ``MutualInformation`` measure counts it; random masking for
reference), and the words each masks most often.

    python -m benchmarks.roar.first_masks configs/roar/bilstm_attention_sst2_10_levels_cpu.py \\
        --work-dir work_dirs/roar_sst2_10_levels [--seed 0] [--level 10] [--ig-steps 10]
"""
from collections import Counter
from typing import Optional, Sequence

import torch
from mmengine.config import Config

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis.builders import config_adapter, with_adapter
from input_iba.evaluation.roar.build import build_study, dataset_tokenizer
from input_iba.evaluation.roar.study import MaskedTokens, compute_importance
from input_iba.models.attributors.mutual_information import mutual_information
from input_iba.registry import ATTRIBUTORS


def token_name(dataset, token_id):
    """The word (vocabulary) or word piece (a transformer's tokenizer) of an id."""
    tokenizer = dataset_tokenizer(dataset)
    if tokenizer is None:
        return dataset.vocab.itos[token_id]
    return tokenizer.convert_ids_to_tokens(token_id)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, config=True,
                              work_dir="the finished ROAR study's work dir (read)")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--level', type=int, default=10)
    parser.add_argument('--ig-steps', type=int, default=10)
    args = parse_args(parser, argv)
    cfg = Config.fromfile(args.config)
    study = build_study(cfg, args.work_dir)
    train, test = study.datasets['train'], study.datasets['test']
    model = study.unmasked_model(args.seed)
    info = mutual_information([train[i]['inputs'] for i in range(len(train))],
                              [int(train[i]['target']) for i in range(len(train))])
    adapter = config_adapter(cfg)
    measures = dict(random=dict(type='Random'), attention=dict(type='Attention'),
                    integrated_gradients=dict(type='IntegratedGradients', steps=args.ig_steps,
                                              reduction='abs_sum'))
    ids = [test[i]['inputs'] for i in range(len(test))]
    masked = {}
    for name, measure in measures.items():
        attributor = ATTRIBUTORS.build(with_adapter(dict(measure, model=model), adapter))
        # per token, as the study ranks (a tokenised split would pool to words)
        importance = compute_importance(attributor, MaskedTokens(test, ids), 32, args.seed, name)
        # the positions the study's own masking rule replaces at this level
        masked[name] = [set((study.mask_document(doc, imp, args.level) != doc)
                            .nonzero()[:, 0].tolist()) for imp, doc in zip(importance, ids)]
    total = sum(len(m) for m in masked['attention'])
    shared = sum(len(a & b) for a, b in zip(masked['attention'], masked['integrated_gradients']))
    print(f'{len(test)} test sentences, {total} tokens masked at {args.level}% by each measure '
          f'(unmasked model of seed {args.seed}); attention and IG-{args.ig_steps} share '
          f'{shared / total:.1%} of them')
    print('| measure | mean mutual information (bits) | most often masked |')
    print('|---|---:|---|')
    for name, sets in masked.items():
        tokens = [int(doc[p]) for doc, positions in zip(ids, sets) for p in positions]
        bits = info[torch.tensor(tokens).clamp(max=len(info) - 1)].mean().item()
        common = ', '.join(f'{token_name(train, t)} ({n})' for t, n in
                           Counter(tokens).most_common(12))
        print(f'| {name} | {bits:.4f} | {common} |')


if __name__ == '__main__':
    main()
