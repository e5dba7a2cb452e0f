"""Pairs of texts (premise, hypothesis) from TSV and JSONL files, tokenised as
a pair: ids, word ids through both texts, truncation, rationales; checked
against hand-written encodings of the tiny WordPiece vocabulary."""
import json

import numpy as np
import pytest

pytest.importorskip('transformers')

from fixtures.tiny_bert import tiny_tokenizer  # noqa: E402

from input_iba.datasets import TextPairs  # noqa: E402
from input_iba.datasets.text.tokenized import encode_documents  # noqa: E402

LABELS = ('entailment', 'neutral', 'contradiction')
# [CLS] the good ##s movie [SEP] a un ##fun film . [SEP]
PAIR_IDS = [2, 5, 6, 9, 8, 3, 12, 10, 11, 17, 19, 3]
PAIR_WORDS = [-1, 0, 1, 1, 2, -1, 3, 4, 4, 5, 6, -1]


@pytest.fixture
def tok(tmp_path):
    return tiny_tokenizer(str(tmp_path / 'tok'))


def write_tsv(folder):
    folder.mkdir(exist_ok=True)
    (folder / 'dev.tsv').write_text(
        'gold_label\tsentence1\tsentence2\n'
        'neutral\tThe goods movie\ta unfun film .\n'
        '-\ta film\tthe film\n'  # no agreement: left out
        'contradiction\tgood plot\tbad "plot\n')  # a lone quote is a character
    return str(folder)


def test_a_pair_is_tokenised_with_both_texts_words_numbered_on(tmp_path, tok):
    data = TextPairs(write_tsv(tmp_path / 'snli'), split='dev', labels=LABELS,
                     tokenizer=tok)
    assert len(data) == 2 and data.truncated == 0
    item = data[0]
    assert item['name'] == 'dev_000000' and item['target'] == 1
    assert item['inputs'].tolist() == PAIR_IDS
    assert item['word_ids'].tolist() == PAIR_WORDS
    assert item['tokens'] == ['the', 'goods', 'movie', 'a', 'unfun', 'film', '.']
    assert item['segment_words'] == (3, 4)
    enc = tok(['the', 'goods', 'movie'], ['a', 'unfun', 'film', '.'],
              is_split_into_words=True, return_token_type_ids=True)
    assert enc['token_type_ids'] == [0] * 6 + [1] * 6  # what the model adds
    second = data[1]  # the third row: 'bad "plot' is [CLS] good plot [SEP] bad " plot [SEP]
    assert second['name'] == 'dev_000002' and second['target'] == 2
    assert second['tokens'] == ['good', 'plot', 'bad', '"plot']
    assert second['word_ids'].tolist() == [-1, 0, 1, -1, 2, 3, 3, -1]
    batch = data.collate([data[1], data[0]])
    assert batch['word_mask'].sum(1).tolist() == [4, 7]
    assert batch['word_ids'][0].tolist() == [-1, 0, 1, -1, 2, 3, 3, -1, -1, -1, -1, -1]


def test_pairs_are_cut_at_word_boundaries_from_the_longer_text(tok):
    pair = (['the', 'goods', 'movie'], ['a', 'unfun', 'film', '.'])
    # 10 positions: 7 pieces besides [CLS] [SEP] [SEP]; the texts have 4 + 5.
    # '.' goes (the second is longer), then 4 + 4: the first text loses 'movie'
    (ids, wids, kept), = encode_documents(tok, [pair], 10, long_documents='truncate')
    assert kept == (2, 3)
    assert ids == [2, 5, 6, 9, 3, 12, 10, 11, 17, 3]
    assert wids == [-1, 0, 1, 1, -1, 2, 3, 3, 4, -1]
    (ids, _, kept), = encode_documents(tok, [pair], 10)  # kept whole by default
    assert ids == PAIR_IDS and kept == (3, 4)
    with pytest.raises(ValueError, match='with a whole word of each of its texts'):
        encode_documents(tok, [(['goods'], ['unfun'])], 6, 'truncate', names=['p'])
    with pytest.raises(ValueError, match='all single texts or all pairs'):
        encode_documents(tok, [pair, ['good']], 64)


def test_jsonl_rationales_stay_per_word_of_each_text(tmp_path, tok):
    rows = [dict(premise='The goods movie', hypothesis='a unfun film .', label=0,
                 r1=[1, 0, 1], r2=[0, 1, 0, 1])]
    (tmp_path / 'train.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in rows))
    kwargs = dict(fields=('premise', 'hypothesis'), label_field='label',
                  rationale_fields=('r1', 'r2'), tokenizer=tok)
    full = TextPairs(str(tmp_path), **kwargs)[0]
    assert full['rationale'].tolist() == [1, 0, 1, 0, 1, 0, 1]
    data = TextPairs(str(tmp_path), max_positions=10, long_documents='truncate', **kwargs)
    cut = data[0]  # as above: 'movie' and '.' cut
    assert data.truncated == 1 and cut['truncated_words'] == 2
    assert cut['tokens'] == ['the', 'goods', 'a', 'unfun', 'film']
    assert cut['rationale'].tolist() == [1, 0, 0, 1, 0]
    assert cut['segment_words'] == (2, 3)
    assert isinstance(cut['rationale'], np.ndarray)


def test_bad_pair_files(tmp_path, tok):
    folder = write_tsv(tmp_path / 'snli')
    with pytest.raises(KeyError, match=r"no field\(s\) \['premise'\]"):
        TextPairs(folder, split='dev', fields=('premise', 'sentence2'), tokenizer=tok)
    with pytest.raises(ValueError, match='Pairs of texts need tokenizer'):
        TextPairs(folder, split='dev', labels=LABELS)
    with pytest.raises(ValueError, match='rationale_fields need a JSONL'):
        TextPairs(folder, split='dev', rationale_fields=('a', 'b'), tokenizer=tok)
    with pytest.raises(FileNotFoundError, match='test.jsonl nor'):
        TextPairs(folder, split='test', tokenizer=tok)
    (tmp_path / 'snli' / 'empty.tsv').write_text('gold_label\tsentence1\tsentence2\n'
                                                 'neutral\ta film\t \n')
    with pytest.raises(ValueError, match=r'1 empty document\(s\).*empty_000000'):
        TextPairs(folder, split='empty', labels=LABELS, tokenizer=tok)
