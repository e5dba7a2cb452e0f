"""tools/nlp/train_classifier.py: train a text classifier from a config;
checkpoints and the vocabulary go to the work dir, and a rerun resumes."""
import json
import os.path as osp

from input_iba.apis import build_dataset, build_model
from input_iba.training.classifier import train_classifier
from input_iba.utils import save_json

from .prologue import prepare_run, tool_parser

#: what a training writes into its work dir
CLASSIFIER_OUTPUTS = ('vocab.json', 'latest.pth', 'best.pth', 'result.json')


def refuse_long_documents(model, datasets):
    """Training reads a document in one pass: refuse documents longer than
    the model's positions (a dataset with ``long_documents='keep'``) before
    any work, naming the fix."""
    limit = getattr(model, 'max_positions', None)
    for key, data in datasets.items():
        long = [data.sample_name(i) for i in range(len(data))
                if limit is not None and len(data[i]['inputs']) > limit]
        if long:
            name = key.replace('_', '.')
            raise ValueError(
                f'{len(long)} documents of {name} (e.g. {long[:3]}) are longer than the '
                f"model's {limit} positions: train on their first {limit} tokens with "
                f"{name}.long_documents='truncate' (attribution and metrics read whole "
                'documents in chunks; training does not).')


def main(description, argv=None):
    """Train the config's classifier; returns the best accuracy and seconds."""
    args = tool_parser(description).parse_args(argv)
    run = prepare_run(args, required=('model', 'data', 'train'),
                      checks=('data', 'model', 'classifier_training'),
                      outputs=CLASSIFIER_OUTPUTS)
    cfg, work_dir = run.cfg, run.work_dir
    vocab_path = osp.join(work_dir, 'vocab.json')
    train_cfg = dict(cfg.data.train)
    if train_cfg.get('tokenizer') or dict(train_cfg.get('dataset') or {}).get('tokenizer'):
        # tokenised by the model's own tokenizer (maybe inside a Subset): no vocabulary
        train_set, val_set = build_dataset(train_cfg), build_dataset(dict(cfg.data.val))
        model, vocab_path = build_model(dict(cfg.model), run.device), None
        refuse_long_documents(model, dict(data_train=train_set, data_val=val_set))
        run.commit()
        run.logger.info(f'{len(train_set)} training and {len(val_set)} validation '
                        f'samples; truncated: {getattr(train_set, "truncated", "?")} and '
                        f'{getattr(val_set, "truncated", "?")}')
    else:
        if osp.isfile(vocab_path) and not run.stale:
            train_cfg['vocab'] = vocab_path
        train_set = build_dataset(train_cfg)
        val_set = build_dataset(dict(cfg.data.val, vocab=train_set.vocab))
        model = build_model(dict(cfg.model, vocab_size=len(train_set.vocab)), run.device)
        run.commit()
        train_set.vocab.save(vocab_path)
        run.logger.info(f'{len(train_set)} training and {len(val_set)} validation '
                        f'samples, vocabulary of {len(train_set.vocab)}')
    result = train_classifier(model, train_set, val_set, work_dir, device=run.device,
                              logger=run.logger, seed=run.seed, **cfg.train)
    if cfg.data.get('test') is not None:  # the best weights on a held-out split
        from input_iba.training.classifier import accuracy
        from input_iba.utils import load_weights
        model.load_state_dict(load_weights(osp.join(work_dir, 'best.pth'), 'no best.pth')['model'])
        test_cfg = dict(cfg.data.test) if vocab_path is None else dict(cfg.data.test,
                                                                        vocab=vocab_path)
        result['test_accuracy'] = accuracy(model, build_dataset(test_cfg), device=run.device)
    save_json(osp.join(work_dir, 'result.json'), result)
    print(json.dumps(result))
    print(f'Best weights: {osp.join(work_dir, "best.pth")}'
          + (f'; vocabulary: {vocab_path}' if vocab_path else ''))
    return result
