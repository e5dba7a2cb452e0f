import pytest
from conftest import requires_shared_data

from input_iba.datasets import SST2, EraserMovies, TextFolder, Vocabulary


def test_vocabulary_orders_by_frequency_and_round_trips(tmp_path):
    vocab = Vocabulary.build([['b', 'a', 'b'], ['c', 'b', 'a', 'z']], min_freq=2)
    assert vocab.itos == ['<pad>', '<unk>', '<mask>', 'b', 'a']
    assert vocab.encode(['a', 'never']) == [4, 1]
    vocab.save(tmp_path / 'v.json')
    assert Vocabulary.load(tmp_path / 'v.json').itos == vocab.itos
    (tmp_path / 'bad.json').write_text('{"itos": ["a", "b", "c"]}')
    with pytest.raises(ValueError, match='not an input_iba vocabulary'):
        Vocabulary.load(tmp_path / 'bad.json')


def test_text_folder_and_collate(tmp_path):
    for sub, texts in (('pos', ['good fun', 'great<br />film']), ('neg', ['bad'])):
        (tmp_path / sub).mkdir()
        for i, t in enumerate(texts):
            (tmp_path / sub / f'{i}{" (copy)" * (sub == "neg")}.txt').write_text(t)
    ds = TextFolder(str(tmp_path))
    assert [ds.sample_name(i) for i in range(3)] == ['neg_0__copy_', 'pos_0', 'pos_1']
    assert ds[2]['tokens'] == ['great', 'film'] and ds[2]['target'] == 1
    batch = ds.collate([ds[0], ds[1]])
    assert batch['inputs'].shape == (2, 2)
    assert batch['padding_mask'].tolist() == [[True, False], [True, True]]
    assert batch['inputs'][0, 1] == 0 and batch['targets'].tolist() == [0, 1]


@requires_shared_data
def test_eraser_rationale_matches_the_evidence_text():
    ds = EraserMovies(split='train', num_samples=3)
    item = ds[0]
    assert item['name'] == 'negR_000' and item['target'] == 0
    # evidence "mind - fuck movie": tokens 63..66 (end exclusive 67)
    assert item['tokens'][63:67] == ['mind', '-', 'fuck', 'movie']
    assert item['rationale'][63:67].tolist() == [1, 1, 1, 1]
    assert item['rationale'][62] == 0 and len(item['rationale']) == len(item['tokens'])
    short = EraserMovies(split='train', num_samples=1, max_length=50, vocab=ds.vocab)[0]
    assert len(short['tokens']) == 50 and len(short['rationale']) == 50


@requires_shared_data
def test_sst2_reads_labels():
    ds = SST2(split='test', num_samples=2)
    assert ds[0]['tokens'][:3] == ["it", "'s", 'a'] and ds[0]['target'] == 1
    assert ds[1]['target'] == 0
