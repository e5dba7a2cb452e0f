"""Words through a Hugging Face tokenizer: ids, word ids, truncation at word
boundaries, per-word pooling; checked against hand-written encodings."""
import pytest
import torch

pytest.importorskip('transformers')

from conftest import requires_shared_data  # noqa: E402
from fixtures.tiny_bert import tiny_tokenizer  # noqa: E402

from input_iba.datasets import EraserMovies, TextFolder  # noqa: E402
from input_iba.datasets.text.tokenized import encode_documents
from input_iba.models.classifiers.pretrained import load_tokenizer  # noqa: E402
from input_iba.utils.words import pool_to_words  # noqa: E402


@pytest.fixture
def tok(tmp_path):
    return tiny_tokenizer(str(tmp_path))


def test_word_ids_of_sub_words(tok):
    (ids, wids, kept), = encode_documents(tok, [['the', 'goods', 'unfun']], 64)
    # [CLS] the good ##s un ##fun [SEP]
    assert ids == [2, 5, 6, 9, 10, 11, 3]
    assert wids == [-1, 0, 1, 1, 2, 2, -1] and kept == (3, )


def test_truncation_keeps_whole_words_only(tok):
    docs = [['the', 'goods', 'unfun']]
    # 5 positions: 3 pieces besides [CLS]/[SEP]; 'unfun' would be split: cut it
    (ids, wids, kept), = encode_documents(tok, docs, 5, long_documents='truncate')
    assert ids == [2, 5, 6, 9, 3] and wids == [-1, 0, 1, 1, -1] and kept == (2, )
    (ids, _, kept), = encode_documents(tok, docs, 5)  # kept whole by default
    assert len(ids) == 7 and kept == (3, )
    with pytest.raises(ValueError, match="has 7 tokens, more than max_positions=5"):
        encode_documents(tok, docs, 5, long_documents='error', names=['doc'])
    with pytest.raises(ValueError, match='long_documents must be one of'):
        encode_documents(tok, docs, 5, long_documents='cut')


def test_pool_to_words_is_the_mean_over_pieces():
    maps = torch.tensor([[9., 1., 2., 4., 6., 9.], [9., 3., 9., 0., 0., 0.]])
    word_ids = torch.tensor([[-1, 0, 1, 1, 1, -1], [-1, 0, -1, -1, -1, -1]])
    out = pool_to_words(maps, word_ids, 3)
    assert out.tolist() == [[1., 4., 0.], [3., 0., 0.]]


def test_tokenised_folder_items_collate_and_truncation(tmp_path, tok):
    data = tmp_path / 'data'
    for sub, texts in (('pos', ['the goods unfun', 'good']), ('neg', ['bad movie'])):
        (data / sub).mkdir(parents=True)
        for i, t in enumerate(texts):
            (data / sub / f'{i}.txt').write_text(t)
    ds = TextFolder(str(data), tokenizer=tok, max_positions=5, long_documents='truncate')
    assert ds.vocab is None and ds.truncated == 1
    item = ds[1]  # pos_0: 'unfun' cut
    assert item['tokens'] == ['the', 'goods'] and item['truncated_words'] == 1
    assert item['inputs'].tolist() == [2, 5, 6, 9, 3]
    batch = ds.collate([ds[0], ds[1]])  # 'bad movie' then 'the goods'
    assert batch['inputs'].tolist() == [[2, 7, 8, 3, 0], [2, 5, 6, 9, 3]]
    assert batch['word_ids'].tolist() == [[-1, 0, 1, -1, -1], [-1, 0, 1, 1, -1]]
    assert batch['word_mask'].tolist() == [[True, True], [True, True]]
    assert batch['truncated_words'].tolist() == [0, 1]


def test_bad_text_inputs(tmp_path, tok):
    data = tmp_path / 'data'
    for sub, text in (('pos', 'good'), ('neg', '   ')):
        (data / sub).mkdir(parents=True)
        (data / sub / 'a.txt').write_text(text)
    with pytest.raises(ValueError, match=r"1 empty document\(s\).*neg_a"):
        TextFolder(str(data), tokenizer=tok)
    (tmp_path / 'weights').mkdir()
    (tmp_path / 'weights' / 'config.json').write_text('{}')
    with pytest.raises(FileNotFoundError, match='has no tokenizer'):
        load_tokenizer(str(tmp_path / 'weights'))
    with pytest.raises(FileNotFoundError, match='nothing is downloaded'):
        load_tokenizer('bert-base-uncased')


@requires_shared_data
def test_eraser_rationales_stay_per_word(tok):
    words = EraserMovies(split='val', num_samples=3)
    pieces = EraserMovies(split='val', num_samples=3, tokenizer=tok, max_positions=64,
                          long_documents='truncate')
    for i in range(3):
        a, b = words[i], pieces[i]
        kept = len(b['tokens'])
        assert b['tokens'] == a['tokens'][:kept]
        assert (b['rationale'] == a['rationale'][:kept]).all()
        assert kept + b['truncated_words'] == len(a['tokens'])
        assert len(b['inputs']) <= 64 and int(b['word_ids'].max()) == kept - 1
