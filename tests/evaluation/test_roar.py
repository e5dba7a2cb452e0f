"""Recursive ROAR: masking rules, RACU by hand and the paper's synthetic check."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from input_iba.datasets import TextClassificationDataset
from input_iba.evaluation.roar import RoarStudy, mask_top_tokens, racu, racu_with_ci, tokens_to_mask
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
                      importance_batch_size=64, seeds=[0, 1], device='cpu')
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
    # a finished step keeps the model the next level needs, not the resume state
    step = tmp_path / 'true' / 'seed0' / 'k25'
    assert (step / 'best.pth').is_file() and not (step / 'latest.pth').exists()
    assert 0.4 < study.majority_accuracy() < 0.6
    # a seed's unmasked model, read back, scores what the study recorded at 0%
    model = study.unmasked_model(1)
    test = datasets['test']
    batch = test.collate([test[i] for i in range(len(test))])
    with torch.no_grad():
        predicted = model(batch['inputs'], batch['padding_mask']).argmax(-1)
    assert float((predicted == batch['targets']).float().mean()) == pytest.approx(
        results['true'][1][0])
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
                         importance_batch_size=64, seeds=[0], device='cpu')

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


def _study(tmp_path, measures, ks, **kwargs):
    train = synthetic(60, 0)
    vocab = train.vocab
    datasets = dict(train=train, val=synthetic(20, 1, vocab), test=synthetic(40, 2, vocab))
    adapter = dict(type='TokenEmbeddingAdapter')
    return RoarStudy(str(tmp_path), dict(type='SyntheticBagOfWords', vocab_size=len(vocab)),
                     datasets, {m: dict(type=m, adapter=adapter) for m in measures}, ks=ks,
                     train=dict(epochs=1, batch_size=32, lr=0.1), importance_batch_size=64,
                     seeds=[0], device='cpu', **kwargs)


def test_levels_and_their_sources():
    def levels(ks, **kwargs):
        return RoarStudy('unused', {}, {}, {}, ks=ks, train={}, importance_batch_size=64,
                         **kwargs).levels()

    assert levels([25, 50, 100]) == [(25, 0), (50, 25), (100, None)]
    assert levels([25, 50, 100], recursive=False) == [(25, 0), (50, 0), (100, None)]
    # the recursion every 20%, reported at 50% and 100% (fully masked: no source)
    assert levels([50, 100], step=20) == [(20, 0), (40, 20), (50, 40), (100, None)]
    assert levels([10, 20, 30, 40, 100], step=30) == [
        (10, 0), (20, 0), (30, 0), (40, 30), (100, None)]
    assert levels([2, 5], strategy='count', step=2) == [(2, 0), (4, 2), (5, 4)]
    with pytest.raises(ValueError, match='recursive=True'):
        levels([50], recursive=False, step=10)
    with pytest.raises(ValueError, match='positive'):
        levels([50], step=0)


CALLS = []


@ATTRIBUTORS.register_module(force=True)
class EmbeddingNorm(BaseAttributor):
    """Importance that depends on the model: the norm of each token's embedding."""

    def __init__(self, model, adapter):
        super().__init__(model, adapter)
        CALLS.append(model)

    def explain(self, batch):
        return AttributionResult(input_masks=(batch.x.norm(dim=-1) * batch.padding_mask).cpu())


def _expected_masks(study, source_dir, source_ids, k):
    """The train split masked at ``k`` from the model saved in ``source_dir``."""
    model = study._load_best(study._build_model(0), str(source_dir))
    return [mask_top_tokens(ids, model.emb(ids).norm(dim=-1).detach(),
                            tokens_to_mask(len(ids), k, 'quantile'), study.mask_id,
                            study.protected_ids) for ids in source_ids]


def test_classic_roar_masks_every_level_from_the_unmasked_model(tmp_path):
    CALLS.clear()
    study = _study(tmp_path, ['EmbeddingNorm', 'Random'], [25, 50, 100], recursive=False)
    results = study.run()
    assert set(results['accuracy']['EmbeddingNorm'][0]) == {0, 25, 50, 100}
    assert len(CALLS) == 1  # one importance (from k0) for both levels
    cost = study.seconds_per_level()
    assert {k: c['steps'] for k, c in cost.items()} == {0: 1, 25: 2, 50: 2, 100: 1}
    assert cost[25]['importance'] > 0 and cost[50]['importance'] is None  # reused
    assert cost[0]['importance'] is None and cost[100]['train'] > 0
    unmasked = [study.datasets['train'][i]['inputs'] for i in range(60)]
    for k in (25, 50):
        masked = torch.load(tmp_path / 'EmbeddingNorm' / 'seed0' / f'k{k}' / 'masked_ids.pt')
        expected = _expected_masks(study, tmp_path / 'seed0' / 'k0', unmasked, k)
        assert all(torch.equal(a, b) for a, b in zip(masked['train'], expected))


def test_recursive_step_masks_from_levels_outside_the_grid(tmp_path):
    CALLS.clear()
    study = _study(tmp_path, ['EmbeddingNorm', 'Random'], [50, 100], step=25)
    results = study.run()
    assert set(results['macro_f1']['EmbeddingNorm'][0]) == {0, 50, 100}  # ks only
    assert len(CALLS) == 2  # from k0 (for k25) and from k25 (for k50)
    at25 = torch.load(tmp_path / 'EmbeddingNorm' / 'seed0' / 'k25' / 'masked_ids.pt')
    at50 = torch.load(tmp_path / 'EmbeddingNorm' / 'seed0' / 'k50' / 'masked_ids.pt')
    expected = _expected_masks(study, tmp_path / 'EmbeddingNorm' / 'seed0' / 'k25',
                               at25['train'], 50)
    assert all(torch.equal(a, b) for a, b in zip(at50['train'], expected))


def test_mutual_information_by_hand():
    from input_iba.models.attributors.mutual_information import mutual_information
    # token 5 only in the class-0 document, 6 only in class 1, 7 in both.
    # With one extra document per class holding every token: N = 4 documents,
    # 2 per class; token 5 is in 2 of class 0 and 1 of class 1. One-vs-rest
    # for class 0, cells (token, class) = 2, (token, other) = 1,
    # (no token, class) = 0, (no token, other) = 1:
    mi5 = 2 / 4 * np.log2(2 * 4 / (3 * 2)) + 1 / 4 * np.log2(1 * 4 / (3 * 2)) \
        + 1 / 4 * np.log2(1 * 4 / (1 * 2))
    # class 1 gives the same (binary), so the P(class)-weighted sum is mi5
    table = mutual_information([torch.tensor([5, 7, 5]), torch.tensor([6, 7])], [0, 1])
    assert table[5] == pytest.approx(mi5) and table[6] == pytest.approx(mi5)
    assert table[7] == pytest.approx(0) and table[3] == pytest.approx(0)  # both, neither
    # three classes: weights 2/5, 2/5, 1/5; token 8 in class 2 only
    three = mutual_information([torch.tensor([8]), torch.tensor([1]), torch.tensor([1])],
                               [2, 0, 1])
    # N = 6: class 2 has 2 documents, both with token 8; 8 is in 1 other doc.
    # one-vs-rest class 2: (8, c) = 2, (8, other) = 2, (no 8, c) = 0, (no 8, other) = 2
    i2 = 2 / 6 * np.log2(2 * 6 / (4 * 2)) + 2 / 6 * np.log2(2 * 6 / (4 * 4)) \
        + 2 / 6 * np.log2(2 * 6 / (2 * 4))
    # classes 0 and 1: (8, c) = 1, (8, other) = 3, (no 8, c) = 1, (no 8, other) = 1
    i0 = 1 / 6 * np.log2(1 * 6 / (4 * 2)) + 3 / 6 * np.log2(3 * 6 / (4 * 4)) \
        + 1 / 6 * np.log2(1 * 6 / (2 * 2)) + 1 / 6 * np.log2(1 * 6 / (2 * 4))
    assert three[8] == pytest.approx(2 / 6 * i2 + 2 * 2 / 6 * i0)


def test_mutual_information_attributor_reads_its_table_per_token():
    records = [('a', ['good', 'film'], 1, None), ('b', ['bad', 'film'], 0, None)]
    data = TextClassificationDataset(records)
    model = MODELS.build(dict(type='SyntheticBagOfWords', vocab_size=len(data.vocab) + 9))
    att = ATTRIBUTORS.build(dict(type='MutualInformation', model=model,
                                 adapter=dict(type='TokenEmbeddingAdapter')))
    ids = torch.tensor([data.vocab.encode(['good', 'film', 'bad']) + [0, 0]])
    with pytest.raises(RuntimeError, match=r'prepare\(training dataset\)'):
        att.attribute(ids, torch.tensor([1]), padding_mask=ids > 0)
    att.prepare(data)
    # 4 documents (2 smoothing), 'good' in 2 of class 1 and 1 of class 0: as mi5 above
    mi = 0.5 * np.log2(4 / 3) + 0.25 * np.log2(2 / 3) + 0.25
    masks = att.attribute(ids, torch.tensor([1]), padding_mask=ids > 0).input_masks
    torch.testing.assert_close(masks[0], torch.tensor([mi, 0, mi, 0, 0], dtype=torch.float32))
    unseen = att.attribute(torch.tensor([[len(data.vocab) + 5]]), torch.tensor([0]),
                           padding_mask=torch.tensor([[True]])).input_masks
    assert unseen.item() == 0


def test_macro_f1_by_hand():
    from input_iba.training.classifier import macro_f1
    # class 0: TP 1, FP 1, FN 1 -> 2/4; class 1: TP 2, FP 1, FN 1 -> 4/6
    assert macro_f1([0, 0, 1, 1, 1], [0, 1, 0, 1, 1]) == pytest.approx((1 / 2 + 2 / 3) / 2)
    # a class never predicted scores 0; one only predicted too
    assert macro_f1([1, 1, 1, 2], [0, 1, 1, 1]) == pytest.approx((0 + 4 / 6 + 0) / 3)


def test_reference_and_curve_aggregations_by_hand():
    ks = [0, 50, 100]
    random = [0.9, 0.8, 0.5]  # area(random - floor) = 25 (test_racu_by_hand)

    def measure(r):  # a curve with RACU r against ``random``: gap 25 r at k = 50
        return [0.9, 0.8 - 25 * r / 50, 0.5]

    def both(measures, randoms, **kwargs):
        return [racu_with_ci(ks, measures, randoms, aggregate=a, **kwargs)
                for a in ('curves', 'reference')]

    # same random curve, RACU 1.5 and 0.5 per seed: ours averages the curves
    # (1.0, percentile of resamples {0.5, 1.0, 1.5}); the reference clips 1.5
    # to 1 (0.75), BCa of the values {1, 0.5}: no bias (half the resamples
    # below 0.75, half above), no skew (jackknife: 0.5, 1), so [0.5, 1]
    ours, ref = both([measure(1.5), measure(0.5)], [random] * 2, num_bootstrap=2000)
    assert ours['racu'] == pytest.approx(1.0) and ours['ci95'] == pytest.approx([0.5, 1.5])
    assert ref['racu'] == pytest.approx(0.75) and ref['ci95'] == pytest.approx([0.5, 1.0])
    # random curves that differ: seed 1's random [0.9, 0.6, 0.5] (area 15) and
    # a measure equal to it (RACU 0). Reference: (0.6 + 0) / 2 = 0.3. Ours:
    # mean random [0.9, 0.7, 0.5] (area 20), mean measure [0.9, 0.55, 0.5]
    # (gap 7.5): 0.375
    flat_ish = [0.9, 0.6, 0.5]
    ours, ref = both([measure(0.6), flat_ish], [random, flat_ish])
    assert ours['racu'] == pytest.approx(0.375) and ref['racu'] == pytest.approx(0.3)
    # a seed whose random curve never falls has no RACU: the reference's mean
    # is undefined, ours still uses that seed's curves
    flat = [0.5, 0.5, 0.5]
    ours, ref = both([measure(0.6), flat], [random, flat])
    assert ours['racu'] == pytest.approx(0.6 * 25 / 12.5 / 2) and np.isnan(ref['racu'])
    # seeds RACU 0.6, 0.6, 0: the same mean (0.4) and interval [0, 0.6] both
    # ways. BCa by hand: resample means 0 (p 1/27), 0.2 (6/27), 0.4 (12/27),
    # 0.6 (8/27); z0 = Phi^-1(share below 0.4, ties half: 7/27 + 6/27) = -0.046;
    # jackknife means (0.3, 0.3, 0.6), U = (0.1, 0.1, -0.2): acceleration
    # sum U^3 / (6 (sum U^2)^1.5) = -0.068; the limits fall at the 0.9th and
    # 95.0th percentiles (Phi(z0 + (z0 -+ 1.96) / (1 - a (z0 -+ 1.96)))): 0 and 0.6
    ours, ref = both([measure(0.6), measure(0.6), measure(0)], [random] * 3,
                     num_bootstrap=5000)
    for stats in (ours, ref):
        assert stats['racu'] == pytest.approx(0.4)
        assert stats['ci95'] == pytest.approx([0.0, 0.6])
    with pytest.raises(ValueError, match='curves'):
        racu_with_ci(ks, [measure(0)], [random], aggregate='median')


def test_no_racu_for_levels_that_stop_short_of_everything_masked():
    """A first-level study (ks=[10]) has no floor: RACU would divide by the
    random curve's own small drop (printed 1280% before this was refused)."""
    from input_iba.evaluation.roar import summarise
    curves = {m: {0: {0: 0.8, 10: acc}} for m, acc in (('random', 0.79), ('ig', 0.66))}
    table, rows = summarise(dict(accuracy=curves), [10])
    assert rows == dict(accuracy={}) and 'end at 10%' in table and 'curves.md' in table
    curves = {m: {0: {0: 0.8, 10: acc, 100: 0.5}} for m, acc in (('random', 0.79), ('ig', 0.66))}
    # trapezoids: gap 10 * 0.13 / 2 + 90 * 0.13 / 2 = 6.5; span 10 * 0.59 / 2 + 90 * 0.29 / 2 = 16
    assert summarise(dict(accuracy=curves), [10, 100])[1]['accuracy']['ig']['curves'][
        'racu'] == pytest.approx(6.5 / 16)


def test_a_transformer_study_masks_word_pieces_with_its_mask_token(tmp_path):
    """Tokenised text: importance per word piece (not pooled to words), the
    tokenizer's [MASK], special tokens neither masked nor counted in k."""
    pytest.importorskip('transformers')
    from fixtures.tiny_bert import tiny_bert_folder

    from input_iba.models.classifiers.pretrained import load_tokenizer
    folder = tiny_bert_folder(tmp_path / 'bert')
    tok = load_tokenizer(folder)
    words = [('the goods movie is great', 1), ('a bad unfun plot', 0),
             ('great film', 1), ('not a good film .', 0)]
    records = [(f'd{i}', text.split(), label, None) for i, (text, label) in enumerate(words)]
    data = TextClassificationDataset(records, tokenizer=tok)
    adapter = dict(type='TokenEmbeddingAdapter')
    special = tuple(i for i in tok.all_special_ids if i != tok.mask_token_id)
    study = RoarStudy(str(tmp_path / 'roar'), dict(type='HuggingFaceClassifier', path=folder),
                      dict(train=data, val=data, test=data),
                      dict(random=dict(type='Random', adapter=adapter),
                           mutual_information=dict(type='MutualInformation', adapter=adapter)),
                      ks=[50, 100], train=dict(epochs=1, batch_size=4, lr=1e-3), seeds=[0],
                      importance_batch_size=64, mask_id=tok.mask_token_id,
                      protected_ids=special, device='cpu')
    results = study.run()
    assert set(results['macro_f1']['mutual_information'][0]) == {0, 50, 100}
    masked = torch.load(tmp_path / 'roar' / 'mutual_information' / 'seed0' / 'k50' /
                        'masked_ids.pt')['train']
    for item, ids in zip(data, masked):
        # '[CLS] the good ##s movie is great [SEP]': 6 pieces, 3 masked; the ends kept
        pieces = len(item['inputs']) - 2
        assert (ids == tok.mask_token_id).sum() == -(-pieces // 2)
        assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id
