"""Recursive ROAR: masking rules, RACU by hand and the paper's synthetic check."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from input_iba.datasets import TextClassificationDataset, Vocabulary
from input_iba.evaluation.roar import (RoarStudy, mask_top_tokens, racu,
                                       racu_with_ci, tokens_to_mask)
from input_iba.models.attributors import AttributionResult, BaseAttributor
from input_iba.models.classifiers import TextClassifier
from input_iba.registry import ATTRIBUTORS, MODELS


def test_tokens_to_mask():
    assert tokens_to_mask(7, 30, 'quantile') == 3
    assert tokens_to_mask(7, 100, 'quantile') == 7
    assert tokens_to_mask(7, 2, 'count') == 2 and tokens_to_mask(3, 5, 'count') == 3
    with pytest.raises(ValueError, match='strategy'):
        tokens_to_mask(3, 1, 'percent')


def test_masking_keeps_old_masks_and_never_touches_protected_tokens():
    ids = torch.tensor([5, 2, 7, 0, 8])  # 2 = [MASK] already, 0 protected
    importance = [0.1, 0.9, 0.2, 5.0, 0.3]
    # 3 in total: the old one plus the two most important maskable (8, then 7)
    assert mask_top_tokens(ids, importance, 3, mask_id=2, protected_ids=(0, )).tolist() \
        == [5, 2, 2, 0, 2]
    assert mask_top_tokens(ids, importance, 1, 2, (0, )).tolist() == ids.tolist()
    assert mask_top_tokens(ids, importance, 9, 2, (0, )).tolist() == [2, 2, 2, 0, 2]


def test_racu_by_hand():
    ks = [0, 50, 100]
    random = [0.9, 0.8, 0.5]  # the floor is random at 100%: 0.5
    # area(random - floor) = 25 * (0.4 + 0.3) + 25 * (0.3 + 0) = 25
    assert racu(ks, [0.9, 0.5, 0.5], random) == pytest.approx(0.3 * 50 / 25)
    assert racu(ks, random, random) == 0
    assert racu(ks, [0.9, 0.9, 0.5], random) == pytest.approx(-0.1 * 50 / 25)
    # an explicit floor: area(random - 0.4) = 25 * 0.9 + 25 * 0.5 = 35
    assert racu(ks, [0.9, 0.5, 0.5], random, floor=0.4) == pytest.approx(15 / 35)
    ci = racu_with_ci(ks, [[0.9, 0.5, 0.5]] * 3, [random] * 3)
    assert ci['racu'] == pytest.approx(0.6) and ci['ci95'] == pytest.approx([0.6, 0.6])


def test_racu_interval_resamples_seeds_in_pairs():
    ks = [0, 50, 100]
    random = [[0.9, 0.8, 0.5], [0.9, 0.8, 0.5]]
    measure = [[0.9, 0.5, 0.5], [0.9, 0.8, 0.5]]  # RACU 0.6 and 0 per seed
    ci = racu_with_ci(ks, measure, random, num_bootstrap=2000)
    assert ci['racu'] == pytest.approx(0.3)  # of the mean curves
    assert ci['ci95'] == pytest.approx([0.0, 0.6])  # all-seed-1 .. all-seed-0
    with pytest.raises(ValueError, match='same seeds'):
        racu_with_ci(ks, measure, random[:1])


class BagOfWords(TextClassifier):
    """Logistic regression on token counts."""

    def __init__(self, vocab_size):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, 2)

    def embed(self, ids):
        return self.emb(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        return (emb * padding_mask[..., None]).sum(1)


MODELS.register_module(name='SyntheticBagOfWords', module=BagOfWords, force=True)
INFORMATIVE = set()


@ATTRIBUTORS.register_module(force=True)
class TrueImportance(BaseAttributor):
    def attribute(self, inputs, targets, seeds=None, padding_mask=None):
        informative = torch.isin(inputs, torch.tensor(sorted(INFORMATIVE)))
        return AttributionResult(input_masks=informative.float())


def synthetic(n, seed, vocab=None):
    """8 tokens per document: 2 carry the label (p*/n*), 6 are noise."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        label = int(rng.integers(2))
        tokens = [f'x{v}' for v in rng.integers(0, 10, 6)]
        tokens += [('p' if label else 'n') + str(v) for v in rng.integers(0, 2, 2)]
        rng.shuffle(tokens)
        records.append((f'doc{seed}_{i}', tokens, label, None))
    return TextClassificationDataset(records, vocab=vocab)


def test_recursive_roar_with_the_true_importance_falls_faster_than_random(tmp_path):
    train = synthetic(300, 0)
    vocab = train.vocab
    INFORMATIVE.update(vocab.encode(['p0', 'p1', 'n0', 'n1']))
    datasets = dict(train=train, val=synthetic(100, 1, vocab), test=synthetic(200, 2, vocab))
    study = RoarStudy(str(tmp_path), dict(type='SyntheticBagOfWords', vocab_size=len(vocab)),
                      datasets, dict(true=dict(type='TrueImportance', adapter=dict(
                          type='TokenEmbeddingAdapter')),
                          mutual_information=dict(type='MutualInformation', adapter=dict(
                              type='TokenEmbeddingAdapter')),
                          random=dict(type='Random', adapter=dict(type='TokenEmbeddingAdapter'))),
                      ks=[25, 50, 75, 100], train=dict(epochs=4, batch_size=32, lr=0.1),
                      seeds=[0, 1], device='cpu')
    everything = study.run()
    results = everything['accuracy']
    assert results['true'][0][0] > 0.95  # the unmasked model solves the task
    assert results['true'][0][25] < 0.7  # both informative tokens are gone
    ks = [0, 25, 50, 75, 100]
    curves = {m: np.array([[results[m][s][k] for k in ks] for s in (0, 1)])
              for m in results}
    assert racu(ks, curves['true'].mean(0), curves['random'].mean(0)) > 0.5
    # mutual information finds the label tokens from the counts alone
    assert racu(ks, curves['mutual_information'].mean(0), curves['random'].mean(0)) > 0.5
    f1 = everything['macro_f1']['true'][0]
    assert f1[0] > 0.95
    # fully masked, all documents look alike: one class c predicted, whose F1
    # is 2 n_c / (n + n_c) = q / (1 + q) averaged with the other's 0 (q = n_c / n)
    q = np.mean([datasets['test'][i]['target'] for i in range(200)])
    assert f1[100] == pytest.approx(q / (1 + q)) or f1[100] == pytest.approx((1 - q) / (2 - q))
    # the fully masked model is trained once per seed and shared by the measures
    assert results['true'][1][100] == results['random'][1][100]
    assert not (tmp_path / 'true' / 'seed0' / 'k100').exists()
    assert 0.4 < study.majority_accuracy() < 0.6
    # cached: a second run reads everything back
    assert study.run() == everything


def test_a_finished_study_is_summarised_from_its_result_files_alone(tmp_path):
    """Checkpoints and masks may be deleted (or left on a GPU machine): a
    finished study is read back from ``result.json`` alone, and a step that
    is not cached but needs a deleted model says which file is missing."""
    train = synthetic(60, 0)
    vocab = train.vocab
    datasets = dict(train=train, val=synthetic(20, 1, vocab), test=synthetic(40, 2, vocab))
    adapter = dict(type='TokenEmbeddingAdapter')

    def study():
        return RoarStudy(str(tmp_path), dict(type='SyntheticBagOfWords', vocab_size=len(vocab)),
                         datasets, dict(random=dict(type='Random', adapter=adapter)),
                         ks=[50, 100], train=dict(epochs=1, batch_size=32, lr=0.1),
                         seeds=[0], device='cpu')

    results = study().run()
    for path in list(tmp_path.rglob('*.pt')) + list(tmp_path.rglob('*.pth')):
        path.unlink()
    assert study().run() == results
    (tmp_path / 'random' / 'seed0' / 'k50' / 'result.json').unlink()
    with pytest.raises(FileNotFoundError, match=r'k0.*best\.pth'):
        study().run()


def test_importance_is_returned_in_dataset_order_whatever_the_batching():
    """Documents are batched by length; each keeps its own seed and length."""
    from input_iba.evaluation.roar.study import compute_importance
    data = synthetic(30, 3)
    records = [(f'doc{i}', ['x1'] * (3 + (7 * i) % 11), i % 2, None) for i in range(30)]
    data = TextClassificationDataset(records, vocab=data.vocab)
    model = MODELS.build(dict(type='SyntheticBagOfWords', vocab_size=len(data.vocab)))
    random = ATTRIBUTORS.build(dict(type='Random', model=model,
                                    adapter=dict(type='TokenEmbeddingAdapter')))
    one = compute_importance(random, data, 1, 0, 'one')
    seven = compute_importance(random, data, 7, 0, 'seven')
    assert [len(v) for v in one] == [3 + (7 * i) % 11 for i in range(30)]
    for a, b in zip(one, seven):
        torch.testing.assert_close(a, b)
