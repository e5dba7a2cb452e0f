"""The bad-input table (issue 16): each row is an input a user can get wrong
and the error text they must see. Rows marked ``finished`` run in a work
dir with a finished sample, which must come out untouched."""
import json
import os
import shutil

import numpy as np
import pytest
import torch
import torch.nn as nn

from input_iba.registry import MODELS
from input_iba.tools.compare import main as compare
from input_iba.tools.train import main as train
from tests.tools.helpers import CONFIG, SALIENCY, make_image_run


@MODELS.register_module(force=True)
class NaNForSecondImage(nn.Module):
    """Logits NaN for an image whose normalised mean is below -0.9 (a black
    image: a model broken for some inputs)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)

    def forward(self, x):
        logits = self.lin(x.mean((2, 3)))
        return torch.where(x.mean((1, 2, 3))[:, None] < -0.9,
                           torch.full_like(logits, float('nan')), logits)


@pytest.fixture(scope='module')
def finished(tmp_path_factory):
    """A Saliency run over img0..img2 with every sample finished."""
    tmp = tmp_path_factory.mktemp('finished')
    mp = pytest.MonkeyPatch()
    cfg, work = make_image_run(tmp, mp, num_images=3, broken=False)
    cfg.write_text(SALIENCY.format(root=tmp / 'images', labels=None))
    summary = train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert summary['done'] == 3
    yield cfg, work
    mp.undo()


def _snapshot(work):
    folder = work / 'input_masks'
    return {f: (folder / f).read_bytes() for f in os.listdir(folder)}


# (id, extra argv, expected exception, text in its message)
FINISHED = [
    ('misspelt data key', ['--cfg-options', 'data.num_estimaton_samples=3'], KeyError,
     "did you mean 'num_estimation_samples'"),
    ('misspelt attribution key', ['--cfg-options', 'attribution.bach_size=2'], KeyError,
     "did you mean 'batch_size'"),
    ('misspelt section', ['--cfg-options', 'atribution.batch_size=2'], KeyError,
     "did you mean 'attribution'"),
    ('misspelt attributor key', ['--cfg-options', 'attributor.reductoin=sum'], KeyError,
     "did you mean 'reduction'"),
    ('misspelt attributor type', ['--cfg-options', 'attributor.type=Salency'], KeyError,
     "did you mean 'Saliency'"),
    ('misspelt dataset key', ['--cfg-options', 'data.attribute.rooot=x'], KeyError,
     "did you mean 'root'"),
    ('misspelt estimate key', ['--cfg-options', 'data.estimate.pipelin=1'], KeyError,
     "did you mean 'pipeline'"),
    ('unknown dataset type', ['--cfg-options', 'data.attribute.type=NoSuchSet'], KeyError,
     "'NoSuchSet' is not a registered"),
    ('unknown model type', ['--cfg-options', 'model.type=NoSuchNet'], KeyError,
     "'NoSuchNet' is not a registered"),
    ('unknown model key', ['--cfg-options', 'model.num_clases=3'], KeyError,
     "did you mean 'num_classes'"),
    ('old batch_sizes', ['--cfg-options', 'batch_sizes.Saliency=2'], KeyError,
     'set attribution.batch_size'),
    ('old explain.batch_size', ['--cfg-options', 'explain.batch_size=2'], KeyError,
     'set attribution.batch_size'),
    ('old roar.importance_batch_size', ['--cfg-options', 'roar.importance_batch_size=2'],
     KeyError, 'set attribution.batch_size'),
    ('old evaluation.batch_size', ['--cfg-options', 'evaluation.batch_size=2'], KeyError,
     'set attribution.batch_size'),
    ('section seed', ['--cfg-options', 'train.seed=1'], KeyError,
     'train.seed is no longer read'),
    ('zero config batch size', ['--cfg-options', 'attribution.batch_size=0'], ValueError,
     'must be a positive int'),
    ('negative config batch size', ['--cfg-options', 'attribution.batch_size=-1'],
     ValueError, 'must be a positive int'),
    ('another seed', ['--seed', '5'], RuntimeError, 'holds results of another run'),
    ('another config', ['--cfg-options', 'attributor.reduction=sum'], RuntimeError,
     'holds results of another run'),
    ('another batch size', ['--batch-size', '3'], RuntimeError,
     'holds results of another run'),
]
if not torch.cuda.is_available():
    FINISHED.append(('cuda without a GPU', ['--device', 'cuda'], RuntimeError,
                     'no GPU is visible'))


@pytest.mark.parametrize('case', FINISHED, ids=lambda c: c[0])
def test_refused_and_nothing_finished_lost(case, finished, tmp_path):
    _, argv, error, text = case
    cfg, work = finished
    copy = tmp_path / 'work'
    shutil.copytree(work, copy)
    before = _snapshot(copy)
    args = [str(cfg), '--work-dir', str(copy)] + (
        [] if '--device' in argv else ['--device', 'cpu']) + argv
    with pytest.raises(error, match=text):
        train('t', args)
    assert _snapshot(copy) == before
    assert (copy / 'config.py').read_text() == (work / 'config.py').read_text()


@pytest.mark.parametrize('flag', ['--batch-size', '--num-samples'])
@pytest.mark.parametrize('value', ['-1', '0'])
def test_non_positive_counts_are_refused(flag, value, finished, capsys):
    cfg, work = finished
    with pytest.raises(SystemExit):
        train('t', [str(cfg), '--work-dir', str(work), flag, value])
    assert 'must be a positive integer' in capsys.readouterr().err


def _fresh(tmp_path, config, **files):
    """A new run dir with 3 images; ``config`` formatted with its paths."""
    mp = pytest.MonkeyPatch()
    cfg, work = make_image_run(tmp_path, mp, num_images=3, broken=False)
    cfg.write_text(config.format(root=tmp_path / 'images', labels=None))
    for name, data in files.items():
        (tmp_path / 'images' / name.replace('_', '.')).write_bytes(data)
    return cfg, work, mp


INPUT_IBA_BAD = [
    ('gan.epocs', "{'epocs': ['epochs']}"),
    ('input_iba.stesp', "{'stesp': ['steps']}"),
    ('feat_iba.beat', "{'beat': ['beta']}"),
]


@pytest.mark.parametrize('key,text', INPUT_IBA_BAD)
def test_misspelt_stage_keys_are_refused_before_estimation(key, text, tmp_path):
    cfg, work, mp = _fresh(tmp_path, CONFIG)
    with pytest.raises(KeyError, match=text.replace('[', r'\[').replace('{', r'\{')):
        train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu',
                    '--cfg-options', f'attributor.{key}=1'])
    assert not (work / 'estimation').exists()
    mp.undo()


def test_missing_layer_is_named_before_estimation(tmp_path):
    cfg, work, mp = _fresh(tmp_path, CONFIG)
    with pytest.raises(Exception, match="Layer 'features.22' does not exist"):
        train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu',
                    '--cfg-options', 'attributor.layer=features.22'])
    assert not (work / 'estimation').exists()
    mp.undo()


def test_missing_config_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        train('t', [str(tmp_path / 'nope.py'), '--work-dir', str(tmp_path / 'w')])


def test_missing_section(tmp_path):
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("model = dict(type='UserTinyNet')\ndata = dict()\n")
    with pytest.raises(KeyError, match="has no 'attributor' section"):
        train('t', [str(cfg), '--work-dir', str(tmp_path / 'w')])


def test_same_name_twice_is_refused(tmp_path):
    cfg, work, mp = _fresh(tmp_path, SALIENCY)
    shutil.copy(tmp_path / 'images' / 'img0.png', tmp_path / 'images' / 'img0.jpg')
    with pytest.raises(ValueError, match="share the name 'img0'"):
        train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    mp.undo()


def test_no_readable_estimation_sample_is_not_cached(tmp_path):
    cfg, work, mp = _fresh(tmp_path, CONFIG.replace(
        "estimate=dict(type='ImageFolder', root=r'{root}'",
        "estimate=dict(type='ImageFolder', root=r'{root}/../broken'"))
    (tmp_path / 'broken').mkdir()
    (tmp_path / 'broken' / 'bad.png').write_bytes(b'not an image')
    with pytest.raises(ValueError, match='Too few readable samples in data.estimate'):
        train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert not [f for _, _, fs in os.walk(work / 'estimation') for f in fs]
    mp.undo()


def test_non_finite_logits_fail_that_sample_only(tmp_path):
    cfg, work, mp = _fresh(tmp_path, SALIENCY.replace(
        "model = dict(type='UserTinyNet')", "model = dict(type='NaNForSecondImage')"))
    # img1 becomes all black: below the mean after normalisation -> NaN logits
    import mmcv
    mmcv.imwrite(np.zeros((20, 24, 3), np.uint8), str(tmp_path / 'images' / 'img1.png'))
    summary = train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert summary['done'] == 2 and summary['failed'] == 1
    reason = [json.loads(line) for line in open(work / 'failed.jsonl')][0]
    assert reason['name'] == 'img1' and 'non-finite logits' in reason['reason']
    assert not (work / 'input_masks' / 'img1.npy').exists()
    mp.undo()


COMPARE = SALIENCY + '''
methods = dict(Saliency=dict(type='Saliency'), Random=dict(type='Random'))
metrics = []
'''


@pytest.mark.parametrize('extra,text', [
    ("paired_reference = 'Nope'", "paired_reference 'Nope' is not one of the methods"),
    ("metrics = ['insertion_delition']", "did you mean 'insertion_deletion'"),
    ("evaluation = dict(insertion_deletion=dict(pixels_per_stp=4))",
     "did you mean 'pixels_per_step'"),
    ("attribution = dict(batch_size=dict(Salency=2))", "did you mean 'Saliency'"),
])
def test_compare_refuses_before_any_method_runs(extra, text, tmp_path):
    cfg, work, mp = _fresh(tmp_path, COMPARE + extra + '\n')
    with pytest.raises(KeyError, match=text):
        compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert not (work / 'Saliency').exists()
    mp.undo()
