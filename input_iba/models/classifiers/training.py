"""Training of the small text classifiers the toolbox explains."""
import os.path as osp
import time

import torch
import torch.nn.functional as F
from tqdm import tqdm

from input_iba.utils import atomic_path


def batches_of(dataset, batch_size, shuffle, seed=0):
    """Collated batches; shuffled with a seeded generator when ``shuffle``."""
    order = (torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed))
             if shuffle else torch.arange(len(dataset))).tolist()
    for start in range(0, len(order), batch_size):
        yield dataset.collate([dataset[i] for i in order[start:start + batch_size]])


@torch.no_grad()
def accuracy(model, dataset, batch_size=64, device='cpu'):
    model.eval()
    correct = 0
    for batch in batches_of(dataset, batch_size, shuffle=False):
        logits = model(batch['inputs'].to(device), batch['padding_mask'].to(device))
        correct += int((logits.argmax(-1).cpu() == batch['targets']).sum())
    return correct / len(dataset)


def save_checkpoint(path, **state):
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def train_classifier(model, train_set, val_set, work_dir, epochs=5, batch_size=32,
                     lr=1e-3, weight_decay=0.0, clip_grad=5.0, seed=0, device='cpu',
                     logger=None):
    """Adam training with validation accuracy after every epoch.

    Writes ``latest.pth`` (model, optimiser, epoch, best accuracy; a rerun
    resumes from it) and ``best.pth`` (the weights with the best validation
    accuracy). Returns a dict with the best accuracy and the seconds spent.
    """
    latest, best_path = osp.join(work_dir, 'latest.pth'), osp.join(work_dir, 'best.pth')
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    start_epoch, best, seconds = 0, -1.0, 0.0
    if osp.isfile(latest):
        state = torch.load(latest, map_location=device, weights_only=True)
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['optimizer'])
        start_epoch, best = int(state['epoch']) + 1, float(state['best_accuracy'])
        seconds = float(state['seconds'])
    for epoch in range(start_epoch, epochs):
        t0 = time.time()
        model.train()
        steps = -(-len(train_set) // batch_size)
        bar = tqdm(batches_of(train_set, batch_size, True, seed + epoch), total=steps,
                   desc=f'epoch {epoch + 1}/{epochs}')
        for batch in bar:
            logits = model(batch['inputs'].to(device), batch['padding_mask'].to(device))
            loss = F.cross_entropy(logits, batch['targets'].to(device))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            opt.step()
            bar.set_postfix(loss=f'{loss.item():.3f}')
        acc = accuracy(model, val_set, device=device)
        seconds += time.time() - t0
        if acc > best:
            best = acc
            save_checkpoint(best_path, model=model.state_dict())
        save_checkpoint(latest, model=model.state_dict(), optimizer=opt.state_dict(),
                        epoch=epoch, best_accuracy=best, seconds=seconds)
        if logger:
            logger.info(f'epoch {epoch + 1}: validation accuracy {acc:.4f} '
                        f'(best {best:.4f}), {seconds:.0f} s so far')
    return dict(best_accuracy=best, seconds=seconds)
