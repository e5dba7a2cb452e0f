"""The command line of tools/nlp/train_classifier.py."""
import json
import os
import os.path as osp

from mmengine.logging import MMLogger

from input_iba.utils import save_json, set_global_seed

from .builders import build_dataset, build_model, load_config
from .cli import resolve_device, tool_parser
from .classifier_training import train_classifier


def main(description, argv=None):
    """Train the config's classifier; returns the best accuracy and seconds."""
    parser = tool_parser(description)
    args = parser.parse_args(argv)
    args.device = resolve_device(args.device)
    cfg = load_config(args.config, args.cfg_options, required=('model', 'data', 'train'))
    os.makedirs(args.work_dir, exist_ok=True)
    cfg.dump(osp.join(args.work_dir, 'config.py'))
    logger = MMLogger.get_instance(f'train_classifier:{osp.abspath(args.work_dir)}',
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
    return result

