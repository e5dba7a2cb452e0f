"""How much of a ROAR curve is spent on ``<unk>``: a vocabulary built from
the training split has no ``<unk>`` in the training data, so its embedding
is never trained, yet 8% of the SST-2 test tokens are ``<unk>``. A measure
that ranks them high masks test tokens that carry no learnt information.

For every measure and seed of a finished Recursive ROAR study, this replays
the test split's masking with ``<unk>`` ranked last (masked only when a
sentence has nothing else left) and scores the study's own models on it.
The training split has no ``<unk>``, so its masks, and so the models, are
those of the study; only the validation split's masks (which chose each
model's best epoch) are not replayed. Prints the test accuracy per level
and RACU (the RACU of the seed-averaged curves) with and without the rule.

    python -m benchmarks.roar.unknown_tokens configs/roar/bilstm_attention_sst2_10_levels_cpu.py \\
        --work-dir work_dirs/roar_sst2_10_levels [--seeds 0 1 2]
"""
import json
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config

from benchmarks.common import benchmark_parser, parse_args
from input_iba.evaluation.roar import MaskedTokens, compute_importance, racu
from input_iba.evaluation.roar.build import build_study
from input_iba.evaluation.roar.masking import mask_top_tokens, tokens_to_mask
from input_iba.registry import ATTRIBUTORS
from input_iba.training.classifier import accuracy


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, config=True,
                              work_dir="the finished ROAR study's work dir (read)")
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--measures', nargs='+', help="default: the config's (random first)")
    args = parse_args(parser, argv)
    cfg = Config.fromfile(args.config)
    study = build_study(cfg, args.work_dir)
    test, vocab = study.datasets['test'], study.datasets['train'].vocab
    unmasked = [test[i]['inputs'] for i in range(len(test))]

    def model_of(step_dir, seed):
        return study.trained_model(osp.join(args.work_dir, step_dir), seed)

    def score(model, ids):
        return accuracy(model, MaskedTokens(test, ids))

    curves, replay_error = {}, 0.0
    names = args.measures or list(cfg.measures)
    for name, measure in sorted(study.measures.items(), key=lambda m: m[0] != 'random'):
        if name not in names and name != 'random':
            continue
        for rule in ('as studied', '<unk> last'):
            runs = []
            for seed in args.seeds:
                ids, source_dir = unmasked, f'seed{seed}/k0'
                curve = {0: score(model_of(source_dir, seed), ids)}
                for k, source in study.levels():
                    if source is None:  # fully masked: the shared model
                        curve[k] = score(model_of(f'seed{seed}/k{k}', seed), [
                            mask_top_tokens(d, torch.zeros(len(d)), len(d), vocab.mask_id,
                                            (vocab.pad_id, )) for d in ids])
                        continue
                    attributor = ATTRIBUTORS.build(dict(measure,
                                                        model=model_of(source_dir, seed)))
                    importance = compute_importance(attributor, MaskedTokens(test, ids), 32,
                                                    seed, f'{name} {rule} seed {seed} k={k}')
                    new = []
                    for doc, imp in zip(ids, importance):
                        imp = imp.double().clone()
                        if rule == '<unk> last':
                            imp[doc == vocab.unk_id] = -1e300
                        total = tokens_to_mask(int((doc != vocab.pad_id).sum()), k,
                                               study.strategy)
                        new.append(mask_top_tokens(doc, imp, total, vocab.mask_id,
                                                   (vocab.pad_id, )))
                    ids, source_dir = new, f'{name}/seed{seed}/k{k}'
                    curve[k] = score(model_of(source_dir, seed), ids)
                    if rule == 'as studied':  # the replay must reproduce the study
                        with open(osp.join(args.work_dir, source_dir, 'result.json')) as f:
                            stored = json.load(f)['test_accuracy']
                        replay_error = max(replay_error, abs(curve[k] - stored))
                runs.append([curve[k] for k in [0] + study.ks])
            curves[name, rule] = np.array(runs)
    grid = [0] + study.ks
    print(f'test accuracy, mean over seeds {args.seeds}; the replay of the study\'s masks '
          f'differs from its result.json files by at most {replay_error:.4f}')
    print('| measure | rule | ' + ' | '.join(f'{k}%' for k in grid) + ' | RACU |')
    print('|---|---|' + '---:|' * (len(grid) + 1))
    for (name, rule), runs in curves.items():
        score = racu(grid, runs.mean(0), curves['random', rule].mean(0))
        print(f'| {name} | {rule} | ' + ' | '.join(f'{v:.3f}' for v in runs.mean(0)) +
              f' | {100 * score:.1f}% |')


if __name__ == '__main__':
    main()
