"""Transformer text end to end through the tools: fine-tune a tiny random
BERT from a model folder, explain ERASER documents with InputIBA, MaRC and
attention (word-level .npy and HTML), evaluate."""
import json

import numpy as np
import pytest
from conftest import requires_shared_data

pytest.importorskip('transformers')

from fixtures.tiny_bert import tiny_bert_folder  # noqa: E402

from input_iba.tools.compare import main as compare  # noqa: E402
from input_iba.tools.train_classifier import main as train_classifier  # noqa: E402

FINETUNE = '''
model = dict(type='HuggingFaceClassifier', path=r'{folder}')
data = dict(train=dict(type='EraserMovies', split='train', tokenizer=r'{folder}',
                       max_positions=32, num_samples=8, long_documents='truncate'),
            val=dict(type='EraserMovies', split='val', tokenizer=r'{folder}',
                     max_positions=32, num_samples=4, long_documents='truncate'))
train = dict(optimizer='AdamW', lr=1e-3, warmup=1, schedule='linear', epochs=1,
             batch_size=4, accumulation=2, max_steps=1)
'''

COMPARE = '''
model = dict(type='HuggingFaceClassifier', path=r'{folder}', checkpoint=r'{cls}/best.pth')
adapter = dict(type='TokenEmbeddingAdapter')
doc = dict(type='EraserMovies', tokenizer=r'{folder}', max_positions=32, num_samples=2,
           long_documents='truncate')
data = dict(attribute=dict(doc, split='val'), estimate=dict(doc, split='train'),
            num_estimation_samples=2, estimation_batch_size=2)
methods = dict(
    InputIBA=dict(type='InputIBA', layer='hf.bert.encoder.layer.1.output',
                  feat_iba=dict(steps=1, copies=1), gan=dict(epochs=0),
                  input_iba=dict(steps=1, copies=1)),
    MaRC=dict(type='MaRC', max_steps=2, min_steps=1),
    AttentionRollout=dict(type='Attention', kind='rollout'))
attribution = dict(batch_size=2)
visualizer = dict(type='TokenHeatmap')
metrics = ['eraser', 'rationale_agreement']
evaluation = dict(eraser=dict(fractions=(0.1, 0.5)))
'''


@requires_shared_data
def test_fine_tune_explain_and_evaluate_a_transformer(tmp_path):
    folder = tiny_bert_folder(tmp_path / 'bert')
    cls = tmp_path / 'cls'
    (tmp_path / 'ft.py').write_text(FINETUNE.format(folder=folder))
    result = train_classifier('t', [str(tmp_path / 'ft.py'), '--work-dir', str(cls)])
    assert result['steps'] == 1 and (cls / 'best.pth').is_file()
    assert not (cls / 'vocab.json').exists()
    (tmp_path / 'cmp.py').write_text(COMPARE.format(folder=folder, cls=cls))
    work = tmp_path / 'cmp'
    summaries = compare('c', [str(tmp_path / 'cmp.py'), '--work-dir', str(work),
                              '--device', 'cpu'])
    for method in ('InputIBA', 'MaRC', 'AttentionRollout'):
        assert summaries[method]['eraser']['num_samples'] == 2
        run = work / method
        for npy in run.glob('input_masks/*.npy'):
            meta = json.loads((run / 'meta' / f'{npy.stem}.json').read_text())
            mask = np.load(npy)
            # one value per kept word: 30 word pieces fit, words cut are counted
            assert 0 < len(mask) <= 30 and meta['truncated_words'] > 0
            html = (run / 'input_masks' / f'{npy.stem}.html').read_text()
            assert html.count('<span') == len(mask)
    assert (work / 'table.md').is_file()


PAIR_ROWS = [('entailment', 'the movie is good', 'the film is good'),
             ('contradiction', 'the plot is great', 'the plot is not great'),
             ('neutral', 'a good film', 'the boring film is a movie'),
             ('-', 'a plot', 'the plot'),  # no agreement: left out
             ('entailment', 'the goods', 'good'),
             ('contradiction', 'unfun movie', 'a great film')]
PAIRS_FINETUNE = '''
model = dict(type='HuggingFaceClassifier', path=r'{folder}', num_labels=3)
pairs = dict(type='TextPairs', root=r'{data}', labels=('entailment', 'neutral', 'contradiction'),
             tokenizer=r'{folder}', max_positions=11, long_documents='truncate')
data = dict(train=dict(pairs, split='train'), val=dict(pairs, split='dev'))
train = dict(optimizer='AdamW', lr=1e-3, epochs=1, batch_size=5, max_steps=1)
'''
PAIRS_COMPARE = '''
model = dict(type='HuggingFaceClassifier', path=r'{folder}', num_labels=3,
             checkpoint=r'{cls}/best.pth')
adapter = dict(type='TokenEmbeddingAdapter')
data = dict(attribute=dict(type='TextPairs', root=r'{data}', split='dev', tokenizer=r'{folder}',
                           labels=('entailment', 'neutral', 'contradiction'), max_positions=11,
                           long_documents='truncate'))
methods = dict(Saliency=dict(type='Saliency'),
               IntegratedGradients=dict(type='IntegratedGradients', steps=4, baseline='pad'),
               Attention=dict(type='Attention'), MaRC=dict(type='MaRC', max_steps=2, min_steps=1))
attribution = dict(batch_size=2)
visualizer = dict(type='TokenHeatmap')
metrics = ['eraser', 'insertion_deletion']
evaluation = dict(eraser=dict(fractions=(0.2, 0.5)), insertion_deletion=dict(baseline='pad'))
'''


def test_pairs_of_texts_fine_tuned_explained_and_evaluated_through_the_tools(tmp_path):
    folder = tiny_bert_folder(tmp_path / 'bert')
    data = tmp_path / 'pairs'
    data.mkdir()
    lines = ['gold_label\tsentence1\tsentence2'] + ['\t'.join(r) for r in PAIR_ROWS]
    for split in ('train', 'dev'):
        (data / f'{split}.tsv').write_text('\n'.join(lines) + '\n')
    cls = tmp_path / 'cls'
    (tmp_path / 'ft.py').write_text(PAIRS_FINETUNE.format(folder=folder, data=data))
    assert train_classifier('t', [str(tmp_path / 'ft.py'), '--work-dir', str(cls)])['steps'] == 1
    (tmp_path / 'cmp.py').write_text(PAIRS_COMPARE.format(folder=folder, data=data, cls=cls))
    work = tmp_path / 'cmp'
    summaries = compare('c', [str(tmp_path / 'cmp.py'), '--work-dir', str(work),
                              '--device', 'cpu'])
    # words of both texts; 11 positions: 8 pieces besides [CLS] [SEP] [SEP], so
    # rows 1 (4 + 5) and 2 (3 + 6) lose the last word of their second text
    words = dict(dev_000000=8, dev_000001=8, dev_000002=8, dev_000004=3, dev_000005=5)
    for method in ('Saliency', 'IntegratedGradients', 'Attention', 'MaRC'):
        assert summaries[method]['eraser']['num_samples'] == 5
        assert summaries[method]['insertion_deletion']['num_samples'] == 5
        run = work / method
        for name, count in words.items():
            assert np.load(run / 'input_masks' / f'{name}.npy').shape == (count, )
        meta = json.loads((run / 'meta' / 'dev_000002.json').read_text())
        assert meta['truncated_words'] == 1
        assert json.loads((run / 'meta' / 'dev_000004.json').read_text())['truncated_words'] == 0
        html = (run / 'input_masks' / 'dev_000000.html').read_text()
        assert html.count('<span') == 8 and html.count('<br>') == 1
    assert (work / 'insertion_deletion.png').is_file()  # curves of 3 to 8 words
