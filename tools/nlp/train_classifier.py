"""Train a text classifier from a config; checkpoints and vocabulary go to
the work dir, and a rerun resumes from the last epoch.

    python tools/nlp/train_classifier.py configs/text/deep_lstm_eraser_movies.py --work-dir work_dirs/deep_lstm_eraser_movies
"""
import argparse
import json
import os
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.logging import MMLogger

from input_iba.apis import build_dataset, build_model, load_config
from input_iba.apis.classifier_training import train_classifier
from input_iba.datasets import Vocabulary
from input_iba.utils import save_json, set_global_seed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options, required=('model', 'data', 'train'))
    os.makedirs(args.work_dir, exist_ok=True)
    cfg.dump(osp.join(args.work_dir, 'config.py'))
    logger = MMLogger.get_instance('train_classifier',
                                   log_file=osp.join(args.work_dir, 'log.txt'))
    set_global_seed(cfg.train.get('seed', 0))
    vocab_path = osp.join(args.work_dir, 'vocab.json')
    train_cfg = dict(cfg.data.train)
    if osp.isfile(vocab_path):
        train_cfg['vocab'] = vocab_path
    train_set = build_dataset(train_cfg)
    train_set.vocab.save(vocab_path)
    val_set = build_dataset(dict(cfg.data.val, vocab=vocab_path))
    model = build_model(dict(cfg.model, vocab_size=len(train_set.vocab)), args.device)
    logger.info(f'{len(train_set)} training and {len(val_set)} validation samples, '
                f'vocabulary of {len(train_set.vocab)}')
    result = train_classifier(model, train_set, val_set, args.work_dir,
                              device=args.device, logger=logger,
                              **{k: v for k, v in cfg.train.items()})
    save_json(osp.join(args.work_dir, 'result.json'), result)
    print(json.dumps(result))
    print(f'Best weights: {osp.join(args.work_dir, "best.pth")}; vocabulary: {vocab_path}')


if __name__ == '__main__':
    main()
