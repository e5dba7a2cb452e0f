"""Text end to end: train a tiny classifier, explain documents, evaluate."""
import json

import numpy as np
from conftest import requires_shared_data

from input_iba.tools.evaluate import main as evaluate
from input_iba.tools.train import main as train_nlp
from input_iba.tools.train_classifier import main as train_classifier

CLASSIFIER = '''
model = dict(type='DeepLSTM', embedding_dim=8, hidden_dim=16, num_layers=4, dropout=0.1)
data = dict(train=dict(type='EraserMovies', split='train', max_length=40, num_samples=48),
            val=dict(type='EraserMovies', split='val', max_length=40, num_samples=16))
train = dict(epochs=2, batch_size=16, lr=1e-2)
'''

EXPLAIN = '''
model = dict(type='DeepLSTM', embedding_dim=8, hidden_dim=16, num_layers=4,
             vocab_file=r'{d}/vocab.json', checkpoint=r'{d}/best.pth')
data = dict(attribute=dict(type='EraserMovies', split='val', max_length=40,
                           num_samples=3, vocab=r'{d}/vocab.json'),
            estimate=dict(type='EraserMovies', split='train', max_length=40,
                          num_samples=8, vocab=r'{d}/vocab.json'),
            num_estimation_samples=8, estimation_batch_size=4)
attributor = dict(type='InputIBA', layer='rnn_4', adapter=dict(type='TokenEmbeddingAdapter'),
                  feat_iba=dict(beta=15, steps=2, copies=2, sigma=0),
                  gan=dict(dataset_size=8, subset_size=4, batch_size=4, epochs=1, mask_lr=0.03),
                  input_iba=dict(beta=30, steps=2, lr=0.5, copies=2, sigma=0),
                  critic=dict(type='RecurrentCritic', hidden=8))
visualizer = dict(type='TokenHeatmap')
evaluation = dict(eraser=dict(fractions=(0.1, 0.5)))
'''


@requires_shared_data
def test_train_explain_evaluate_and_resume(tmp_path):
    cls_dir = tmp_path / 'classifier'
    (tmp_path / 'cls.py').write_text(CLASSIFIER)
    result = train_classifier('t', [str(tmp_path / 'cls.py'), '--work-dir', str(cls_dir)])
    assert 0 <= result['best_accuracy'] <= 1
    assert (cls_dir / 'best.pth').is_file() and (cls_dir / 'vocab.json').is_file()
    # a rerun resumes after the last epoch: nothing left to train
    again = train_classifier('t', [str(tmp_path / 'cls.py'), '--work-dir', str(cls_dir)])
    assert again == result

    (tmp_path / 'explain.py').write_text(EXPLAIN.format(d=cls_dir))
    work = tmp_path / 'explain'
    summary = train_nlp('n', [str(tmp_path / 'explain.py'), '--work-dir', str(work),
                              '--device', 'cpu'])
    assert summary['done'] == 3
    names = sorted(p.stem for p in (work / 'input_masks').glob('*.npy'))
    mask = np.load(work / 'input_masks' / f'{names[0]}.npy')
    assert mask.shape == (40, ) and np.load(work / 'feat_masks' / f'{names[0]}.npy').shape == (40, )
    html = (work / 'input_masks' / f'{names[0]}.html').read_text()
    assert html.count('<span') == 40
    results = evaluate('e', [str(tmp_path / 'explain.py'), '--work-dir', str(work),
                             '--device', 'cpu', '--metrics', 'eraser', 'rationale_agreement'])
    assert results['eraser']['num_samples'] == 3
    rec = json.load(open(work / 'eval_input_masks' / 'eraser' / f'{names[0]}.json'))
    assert len(rec['comprehensiveness_per_fraction']) == 2
