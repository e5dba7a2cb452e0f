"""Training of the text classifiers the toolbox explains: the small models
it trains from scratch and fine-tuned Hugging Face transformers."""
import logging
import os.path as osp
import time
from typing import Optional

import torch
import torch.nn.functional as F
from tqdm import tqdm

from input_iba.utils import atomic_path, load_weights
from input_iba.utils.ranges import ConfigSection, count, non_negative, positive


def batches_of(dataset, batch_size, shuffle, seed=0, bucket=0):
    """Collated batches; shuffled with a seeded generator when ``shuffle``.

    ``bucket``: shuffled batching by length: the shuffled items are cut into
    pools of ``bucket`` batches, each pool is sorted by length and cut into
    batches, and the batches are shuffled, so a batch holds items of similar
    length (little padding: half the time of the BiLSTM's training on SST-2).
    """
    generator = torch.Generator().manual_seed(seed)
    order = (torch.randperm(len(dataset), generator=generator)
             if shuffle else torch.arange(len(dataset))).tolist()
    if shuffle and bucket:
        pool = batch_size * bucket
        order = [i for start in range(0, len(order), pool)
                 for i in sorted(order[start:start + pool], key=lambda i: _length(dataset, i))]
    rows = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    if shuffle and bucket:
        rows = [rows[i] for i in torch.randperm(len(rows), generator=generator).tolist()]
    for row in rows:
        yield dataset.collate([dataset[i] for i in row])


def _length(dataset, index):
    return len(dataset[index]['inputs'])


@torch.no_grad()
def predictions(model, dataset, batch_size=64, device='cpu'):
    """The predicted and the gold classes of every item, in dataset order."""
    model.eval()
    preds, golds = [], []
    for batch in batches_of(dataset, batch_size, shuffle=False):
        logits = model(batch['inputs'].to(device), batch['padding_mask'].to(device))
        preds.append(logits.argmax(-1).cpu())
        golds.append(batch['targets'])
    return torch.cat(preds), torch.cat(golds)


def accuracy(model, dataset, batch_size=64, device='cpu'):
    preds, golds = predictions(model, dataset, batch_size, device)
    return int((preds == golds).sum()) / len(golds)


def macro_f1(preds, golds):
    """Unweighted mean over classes of ``2 TP / (2 TP + FP + FN)``, over the
    classes that occur among the gold or the predicted labels."""
    preds, golds = torch.as_tensor(preds), torch.as_tensor(golds)
    scores = []
    for c in torch.unique(torch.cat([preds, golds])):
        tp = int(((preds == c) & (golds == c)).sum())
        wrong = int((preds != golds).logical_and((preds == c) | (golds == c)).sum())
        scores.append(2 * tp / (2 * tp + wrong))
    return sum(scores) / len(scores)


def save_checkpoint(path, **state):
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


OPTIMIZERS = ('Adam', 'AdamW')
SCHEDULES = ('constant', 'linear')


def learning_rate_factor(step, total_steps, warmup, schedule):
    """The share of ``lr`` at optimiser ``step`` (0-based): a linear warm-up
    over ``warmup`` steps (a fraction of ``total_steps`` when below 1), then
    constant or a linear decay to 0 at ``total_steps``."""
    warm = int(round(warmup * total_steps)) if 0 < warmup < 1 else int(warmup)
    if step < warm:
        return (step + 1) / warm
    if schedule == 'constant':
        return 1.0
    return max(0.0, (total_steps - step) / max(1, total_steps - warm))


def _state(model, opt, **extra):
    return dict(model=model.state_dict(), optimizer=opt.state_dict(), **extra)


def train_classifier(model: torch.nn.Module, train_set, val_set, work_dir: str, epochs: int = 5,
                     batch_size: int = 32, lr: float = 1e-3, weight_decay: float = 0.0,
                     clip_grad: float = 5.0, seed: int = 0, device: str = 'cpu',
                     logger: Optional[logging.Logger] = None, optimizer: str = 'Adam',
                     warmup: float = 0, schedule: str = 'constant', accumulation: int = 1,
                     patience: Optional[int] = None, max_steps: Optional[int] = None,
                     save_every: Optional[int] = None, bucket: int = 0) -> dict:
    """Training with validation accuracy after every epoch.

    ``optimizer`` Adam (the LSTMs) or AdamW (fine-tuning transformers), the
    learning rate warmed up over ``warmup`` optimiser steps (or that share of
    all steps) then ``schedule`` constant or linear decay; ``accumulation``
    batches per optimiser step; ``patience``: stop after that many epochs
    without a better validation accuracy; ``max_steps``: stop after that many
    optimiser steps in all (short runs; the schedule is laid out over them).

    Writes ``latest.pth`` (model, optimiser, position, best accuracy; after
    each epoch and every ``save_every`` optimiser steps; a rerun resumes from
    it, skipping the batches of the epoch already done; the batch order is
    seeded) and ``best.pth`` (the weights with the best validation accuracy).
    Both load with ``weights_only=True``. Returns a dict with the best
    accuracy, its epoch, the steps and seconds spent.
    """
    if optimizer not in OPTIMIZERS or schedule not in SCHEDULES:
        raise ValueError(f'optimizer must be one of {OPTIMIZERS} and schedule one of '
                         f'{SCHEDULES}, got {optimizer!r}, {schedule!r}.')
    if accumulation < 1:
        raise ValueError(f'accumulation must be >= 1, got {accumulation}.')
    if not (isinstance(bucket, int) and bucket >= 0):
        raise ValueError(f'bucket must be a number of batches >= 0 (0: no bucketing), '
                         f'got {bucket!r}.')
    latest, best_path = osp.join(work_dir, 'latest.pth'), osp.join(work_dir, 'best.pth')
    # the fused kernel: the same update as the default, one pass over the
    # parameters (5x faster on the BiLSTM: benchmarks/classifier_training_speed.py)
    opt = getattr(torch.optim, optimizer)(model.parameters(), lr=lr,
                                          weight_decay=weight_decay, fused=True)
    batches = -(-len(train_set) // batch_size)
    steps_per_epoch = -(-batches // accumulation)
    total = steps_per_epoch * epochs if max_steps is None else min(
        max_steps, steps_per_epoch * epochs)
    pos = dict(epoch=0, batch=0, step=0, best_accuracy=-1.0, best_epoch=-1, seconds=0.0,
               stale=0)
    if osp.isfile(latest):
        state = load_weights(latest, f'No checkpoint at {latest}.', map_location=device)
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['optimizer'])
        if 'position' in state:
            pos.update(state['position'])
        else:  # written before the position was recorded: after an epoch
            pos.update(epoch=int(state['epoch']) + 1, best_accuracy=float(state['best_accuracy']),
                       seconds=float(state['seconds']))

    def save_latest():
        save_checkpoint(latest, **_state(model, opt, position=dict(pos)))

    while pos['epoch'] < epochs and pos['step'] < total and (
            patience is None or pos['stale'] < patience):
        epoch, t0 = pos['epoch'], time.time()
        model.train()
        bar = tqdm(batches_of(train_set, batch_size, True, seed + epoch, bucket), total=batches,
                   desc=f'epoch {epoch + 1}/{epochs}', initial=pos['batch'])
        for index, batch in enumerate(bar):
            if index < pos['batch']:
                continue  # done before a resume
            logits = model(batch['inputs'].to(device), batch['padding_mask'].to(device))
            loss = F.cross_entropy(logits, batch['targets'].to(device))
            (loss / accumulation).backward()
            pos['batch'] = index + 1
            if pos['batch'] % accumulation and pos['batch'] < batches:
                continue
            for group in opt.param_groups:
                group['lr'] = lr * learning_rate_factor(pos['step'], total, warmup, schedule)
            if clip_grad:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            opt.step()
            opt.zero_grad()
            pos['step'] += 1
            bar.set_postfix(loss=f'{loss.item():.3f}')
            if save_every and pos['step'] % save_every == 0:
                pos['seconds'] += time.time() - t0
                t0 = time.time()
                save_latest()
            if pos['step'] >= total:
                break
        bar.close()
        acc = accuracy(model, val_set, device=device)
        pos['seconds'] += time.time() - t0
        if acc > pos['best_accuracy']:
            pos.update(best_accuracy=acc, best_epoch=epoch, stale=0)
            save_checkpoint(best_path, model=model.state_dict())
        else:
            pos['stale'] += 1
        pos.update(epoch=epoch + 1, batch=0)
        save_latest()
        if logger:
            logger.info(f'epoch {epoch + 1}: validation accuracy {acc:.4f} '
                        f'(best {pos["best_accuracy"]:.4f}), {pos["step"]} steps, '
                        f'{pos["seconds"]:.0f} s so far')
    return dict(best_accuracy=pos['best_accuracy'], best_epoch=pos['best_epoch'] + 1,
                steps=pos['step'], seconds=pos['seconds'])


train_classifier.value_ranges = dict(
    epochs=count(0), batch_size=count(), lr=positive(), weight_decay=non_negative(),
    warmup=non_negative(), patience=count(optional=True), max_steps=count(optional=True),
    save_every=count(optional=True))
#: the config's ``train`` section (tools/nlp/train_classifier.py, the ROAR study)
train_classifier.config_section = ConfigSection(
    'train', passed=('model', 'train_set', 'val_set', 'work_dir', 'seed', 'device', 'logger'))
