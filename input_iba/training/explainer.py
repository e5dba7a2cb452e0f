"""Training of empirical explainers on the stored output of an expensive one
(the targets: :mod:`input_iba.empirical_explainer.targets`)."""
import logging
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from input_iba.utils import atomic_path
from input_iba.utils.ranges import ConfigSection, count, non_negative, positive
from input_iba.utils.words import pool_to_words


def _batch(dataset, indices, targets):
    """Collated ``indices`` with their ``target_maps``: ``(B, H, W)`` for
    images, ``(B, L)`` for token inputs and ``(B, W)`` (words) for tokenised
    text, whose stored maps are per word."""
    items = [dataset[i] for i in indices]
    batch = dataset.collate(items)
    if 'padding_mask' not in batch:  # images: targets are H x W
        batch['target_maps'] = torch.stack([targets[i] for i in indices])
        return batch
    positions = batch.get('word_mask', batch['padding_mask']).shape[1]
    t = torch.zeros(len(indices), positions)
    for row, i in enumerate(indices):
        t[row, :len(targets[i])] = targets[i][:positions]
    batch['target_maps'] = t
    return batch


def predict_maps(net, batch, device):
    """``(maps, weight)``: the explainer's predictions for a :func:`_batch`
    on the targets' positions (for tokenised text its per-token outputs
    pooled to words, as the attribution loop pools every method) and the
    positions that count."""
    pm = batch.get('padding_mask')
    pred = net(batch['inputs'].to(device), None if pm is None else pm.to(device))
    if 'word_ids' in batch:
        words = batch['word_mask']
        return pool_to_words(pred, batch['word_ids'], words.shape[1]), words.to(device)
    return pred, None if pm is None else pm.to(device)


def pearson(pred, target, weight):
    """Per-sample Pearson correlation of ``pred`` and ``target`` over the
    positions where ``weight`` is 1 (0 where either map is constant there)."""
    n = weight.sum(1).clamp_min(1)
    centred = [(m - (m * weight).sum(1, keepdim=True) / n[:, None]) * weight
               for m in (pred, target)]
    cov = (centred[0] * centred[1]).sum(1)
    scale = (centred[0].pow(2).sum(1) * centred[1].pow(2).sum(1)).sqrt()
    return torch.where(scale > 0, cov / scale.clamp_min(1e-12), torch.zeros_like(cov))


def explainer_loss(pred, target, padding_mask=None, rank_weight=0.0, pairs=256,
                   generator=None, correlation_weight=0.0):
    """Per-sample MSE over the positions that count. ``rank_weight`` adds a
    pairwise logistic ranking loss on random position pairs;
    ``correlation_weight`` adds ``1 - r``, ``r`` the per-sample Pearson
    correlation with the target: the MSE alone is served well by a map near
    the mean target, these terms reward each sample's own ordering."""
    weight = (torch.ones_like(pred) if padding_mask is None
              else padding_mask.to(pred.dtype))
    mse = ((pred - target)**2 * weight).flatten(1).sum(1) / weight.flatten(1).sum(1)
    p, t, w = pred.flatten(1), target.flatten(1), weight.flatten(1)
    loss = mse
    if correlation_weight:
        loss = loss + correlation_weight * (1 - pearson(p, t, w))
    if not rank_weight:
        return loss
    i = torch.randint(p.shape[1], (p.shape[0], pairs), generator=generator)
    j = torch.randint(p.shape[1], (p.shape[0], pairs), generator=generator)
    sign = torch.sign(t.gather(1, i) - t.gather(1, j))
    valid = w.gather(1, i) * w.gather(1, j) * sign.abs()
    rank = F.softplus(-sign * (p.gather(1, i) - p.gather(1, j))) * valid
    return loss + rank_weight * rank.sum(1) / valid.sum(1).clamp_min(1)


@torch.no_grad()
def sample_errors(net, dataset, indices, targets, batch_size=32, device='cpu'):
    """The explainer's errors against the target, one value per sample of
    ``indices`` (padding never counts): the MSE and ``1 - r``, ``r`` the
    Pearson correlation (the two terms of :func:`explainer_loss`), from one
    pass over the samples."""
    net.eval()
    mse, decorrelation = [], []
    for start in range(0, len(indices), batch_size):
        batch = _batch(dataset, indices[start:start + batch_size], targets)
        pred, weight = predict_maps(net, batch, device)
        pred, target = pred.cpu(), batch['target_maps']
        weight = torch.ones_like(pred) if weight is None else weight.cpu().to(pred.dtype)
        mse.append(explainer_loss(pred, target, weight))
        decorrelation.append(1 - pearson(pred.flatten(1), target.flatten(1), weight.flatten(1)))
    return torch.cat(mse).tolist(), torch.cat(decorrelation).tolist()


def train_explainer(net: torch.nn.Module, dataset, targets: Dict[int, torch.Tensor],
                    train: List[int], val: List[int], work_dir: str, epochs: int = 20,
                    batch_size: int = 16, lr: float = 1e-3, patience: int = 3,
                    rank_weight: float = 0.0, correlation_weight: float = 0.0, seed: int = 0,
                    device: str = 'cpu', logger: Optional[logging.Logger] = None) -> dict:
    """Adam on the per-sample loss (:func:`explainer_loss`) over the
    ``train`` indices; early stopping when the validation loss (``val``
    indices, the same loss without the random pairs of the ranking term) has
    not improved for ``patience`` epochs. Writes the best weights to
    ``explainer.pth`` (a state dict). Returns the per-epoch history (with
    the validation MSE) and the best validation loss."""
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=lr)
    gen = torch.Generator().manual_seed(seed)
    best, best_mse, bad, history = float('inf'), None, 0, []
    path = osp.join(work_dir, 'explainer.pth')
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(train), generator=gen).tolist()
        losses = []
        for start in tqdm(range(0, len(train), batch_size),
                          desc=f'epoch {epoch + 1}/{epochs}', leave=False):
            batch = _batch(dataset, [train[i] for i in perm[start:start + batch_size]],
                           targets)
            pred, weight = predict_maps(net, batch, device)
            loss = explainer_loss(pred, batch['target_maps'].to(device), weight,
                                  rank_weight, generator=gen,
                                  correlation_weight=correlation_weight).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        mse, decorrelation = sample_errors(net, dataset, val, targets, batch_size, device)
        val_mse = float(np.mean(mse))
        val_loss = float(np.mean(np.add(mse, np.multiply(correlation_weight, decorrelation))))
        history.append(dict(epoch=epoch + 1, train_loss=float(np.mean(losses)),
                            val_mse=val_mse, val_loss=val_loss))
        if logger:
            logger.info(f'epoch {epoch + 1}: train {np.mean(losses):.4f}, '
                        f'validation MSE {val_mse:.4f}, loss {val_loss:.4f}')
        if val_loss < best:
            best, best_mse, bad = val_loss, val_mse, 0
            with atomic_path(path) as tmp:
                torch.save(net.state_dict(), tmp)
        else:
            bad += 1
            if bad >= patience:
                break
    return dict(history=history, best_val_loss=best, best_val_mse=best_mse)


train_explainer.value_ranges = dict(epochs=count(), batch_size=count(), lr=positive(),
                                    patience=count(), rank_weight=non_negative(),
                                    correlation_weight=non_negative(),
                                    val_fraction=positive(), val_fold=count(minimum=0))
#: the config's ``train`` section (tools/train_explainer.py, which splits off
#: ``val_fraction`` of the samples for validation, the fold ``val_fold``:
#: empirical_explainer.targets.split_indices)
train_explainer.config_section = ConfigSection(
    'train', passed=('net', 'dataset', 'targets', 'train', 'val', 'work_dir', 'seed', 'device',
                     'logger'), extra=('val_fraction', 'val_fold'))
