"""The bad-input table (issues 16 and 28): each row is an input a user can
get wrong and the error text they must see, grouped by family (one
parametrised test each). Every row asserts the error (a script turns any
error into one line and exit status 1, see
test_a_script_prints_an_error_as_one_line; bad flags exit with status 2),
that its message names the problem, that it comes before any work where
that can be known (no estimation, no run record, often no work dir at all),
and that no file outside the run's outputs changed (the inputs, and a
finished run's results). docs/when_things_go_wrong.md is checked against
these tables."""
import json
import os
import re
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


def _tree(folder):
    """``{relative path: bytes}`` of the files under ``folder`` but the
    logs (a refused run writes its own in ``logs/``)."""
    return {os.path.relpath(os.path.join(d, f), folder): open(os.path.join(d, f), 'rb').read()
            for d, _, files in os.walk(folder) if os.path.basename(d) != 'logs' for f in files}


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
    # values out of the declared ranges (input_iba.utils.ranges)
    ('zero estimation batch size', ['--cfg-options', 'data.estimation_batch_size=0'],
     ValueError, 'data.estimation_batch_size must be an int >= 1, got 0'),
    ('negative estimation batch size', ['--cfg-options', 'data.estimation_batch_size=-2'],
     ValueError, 'data.estimation_batch_size must be an int >= 1, got -2'),
    ('text estimation batch size', ['--cfg-options', 'data.estimation_batch_size=abc'],
     ValueError, "data.estimation_batch_size must be an int >= 1, got 'abc'"),
    ('fractional estimation batch size', ['--cfg-options', 'data.estimation_batch_size=2.5'],
     ValueError, 'data.estimation_batch_size must be an int >= 1, got 2.5'),
    ('zero estimation samples', ['--cfg-options', 'data.num_estimation_samples=0'],
     ValueError, 'data.num_estimation_samples must be an int >= 2, got 0'),
    ('negative estimation samples', ['--cfg-options', 'data.num_estimation_samples=-5'],
     ValueError, 'data.num_estimation_samples must be an int >= 2, got -5'),
    ('one estimation sample', ['--cfg-options', 'data.num_estimation_samples=1'],
     ValueError, 'data.num_estimation_samples must be an int >= 2, got 1'),
    ('text estimation samples', ['--cfg-options', 'data.num_estimation_samples=abc'],
     ValueError, "data.num_estimation_samples must be an int >= 2, got 'abc'"),
    ('text seed', ['--cfg-options', 'seed=abc'], ValueError,
     "config.seed must be an int, got 'abc'"),
    ('fractional seed', ['--cfg-options', 'seed=1.5'], ValueError,
     'config.seed must be an int, got 1.5'),
    ('zero threads', ['--cfg-options', 'num_threads=0'], ValueError,
     'config.num_threads must be an int >= 1, got 0'),
    ('text config batch size', ['--cfg-options', 'attribution.batch_size=abc'], ValueError,
     "must be a positive int, got 'abc'"),
    ('fractional config batch size', ['--cfg-options', 'attribution.batch_size=2.5'],
     ValueError, 'must be a positive int, got 2.5'),
    ('integrated gradients with 0 steps',
     ['--cfg-options', 'attributor.type=IntegratedGradients', 'attributor.steps=0'],
     ValueError, 'attributor.steps must be an int >= 1, got 0'),
    ('extremal perturbations with a negative lr',
     ['--cfg-options', 'attributor.type=ExtremalPerturbation', 'attributor.lr=-0.1'],
     ValueError, 'attributor.lr must be a number > 0, got -0.1'),
    ('RISE without masks', ['--cfg-options', 'attributor.type=RISE', 'attributor.num_masks=0'],
     ValueError, 'attributor.num_masks must be an int >= 1, got 0'),
    ('SmoothGrad without samples',
     ['--cfg-options', 'attributor.type=SmoothGrad', 'attributor.samples=0'],
     ValueError, 'attributor.samples must be an int >= 1, got 0'),
    ('LIME with a zero kernel width',
     ['--cfg-options', 'attributor.type=Lime', 'attributor.kernel_width=0'],
     ValueError, 'attributor.kernel_width must be a number > 0, got 0'),
    ('occlusion with a zero stride',
     ['--cfg-options', 'attributor.type=Occlusion', 'attributor.stride=0'],
     ValueError, 'attributor.stride must be an int >= 1, got 0'),
    # top-level keys that no tool reads, set from the command line
    ('top-level schedule', ['--cfg-options', 'schedule=fast'], KeyError,
     "'schedule' is not a top-level key a tool reads"),
    ('top-level data_root', ['--cfg-options', 'data_root=/x'], KeyError,
     "'data_root' is not a top-level key a tool reads"),
    ('top-level reduction', ['--cfg-options', 'reduction=sum'], KeyError,
     "did you mean 'attributor.reduction'"),
    ('top-level root', ['--cfg-options', 'root=/x'], KeyError,
     "did you mean 'data.attribute.root'"),
    ('top-level num_classes', ['--cfg-options', 'num_classes=3'], KeyError,
     "did you mean 'model.num_classes'"),
    ('top-level batch_size', ['--cfg-options', 'batch_size=2'], KeyError,
     "did you mean 'attribution.batch_size'"),
    ('top-level key and a misspelt type', ['--cfg-options', 'attributor.type=Salency',
                                           'reduction=sum'], KeyError,
     "'reduction' is not a top-level key a tool reads"),
    # another run's results
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
    before, inputs = _tree(copy), _tree(cfg.parent / 'images')
    args = [str(cfg), '--work-dir', str(copy)] + (
        [] if '--device' in argv else ['--device', 'cpu']) + argv
    with pytest.raises(error, match=text):
        train('t', args)
    assert _tree(copy) == before and _tree(cfg.parent / 'images') == inputs


# (id, argv, text on stderr): refused by the argument parser (exit status 2)
FLAGS = [
    ('batch size -1', ['--batch-size', '-1'], 'must be a positive integer, got -1'),
    ('batch size 0', ['--batch-size', '0'], 'must be a positive integer, got 0'),
    ('batch size abc', ['--batch-size', 'abc'], "invalid positive_int value: 'abc'"),
    ('batch size 1.5', ['--batch-size', '1.5'], "invalid positive_int value: '1.5'"),
    ('num samples -1', ['--num-samples', '-1'], 'must be a positive integer, got -1'),
    ('num samples 0', ['--num-samples', '0'], 'must be a positive integer, got 0'),
    ('num samples abc', ['--num-samples', 'abc'], "invalid positive_int value: 'abc'"),
    ('seed abc', ['--seed', 'abc'], "invalid int value: 'abc'"),
    ('unquoted spaced value', ['--cfg-options', 'data.attribute.root=/my', 'images'],
     "'images' is not key=value; quote a value with spaces"),
]


@pytest.mark.parametrize('case', FLAGS, ids=lambda c: c[0])
def test_bad_flags_are_refused(case, finished, capsys, tmp_path):
    _, argv, text = case
    cfg, work = finished
    before = _tree(work)
    with pytest.raises(SystemExit) as exit_:
        train('t', [str(cfg), '--work-dir', str(work)] + argv)
    assert exit_.value.code == 2
    assert text in capsys.readouterr().err
    assert _tree(work) == before


def _fresh(tmp_path, config, **files):
    """A new run dir with 3 images; ``config`` formatted with its paths."""
    mp = pytest.MonkeyPatch()
    cfg, work = make_image_run(tmp_path, mp, num_images=3, broken=False)
    cfg.write_text(config.format(root=tmp_path / 'images', labels=None))
    for name, data in files.items():
        (tmp_path / 'images' / name.replace('_', '.')).write_bytes(data)
    return cfg, work, mp


@pytest.fixture(scope='module')
def inputs(tmp_path_factory):
    """3 images and the InputIBA config of tests/tools/helpers.py."""
    tmp = tmp_path_factory.mktemp('inputs')
    mp = pytest.MonkeyPatch()
    cfg, _ = make_image_run(tmp, mp, num_images=3, broken=False)
    cfg.write_text(CONFIG.format(root=tmp / 'images', labels=None))
    yield cfg
    mp.undo()


def _stage(key, value, text):
    return (f'{key}={value}', ValueError, text)


# (--cfg-options pair, error, message): refused before any work: the work dir
# is not even made
STAGE_VALUES = [
    _stage('attributor.input_iba.steps', -3, 'input_iba.steps must be an int >= 1, got -3'),
    _stage('attributor.input_iba.steps', 0, 'input_iba.steps must be an int >= 1, got 0'),
    _stage('attributor.input_iba.steps', 2.5, 'input_iba.steps must be an int >= 1, got 2.5'),
    _stage('attributor.input_iba.steps', 'abc', "input_iba.steps must be an int >= 1, got 'abc'"),
    _stage('attributor.input_iba.lr', 'abc', "input_iba.lr must be a number > 0, got 'abc'"),
    _stage('attributor.input_iba.lr', 0, 'input_iba.lr must be a number > 0, got 0'),
    _stage('attributor.input_iba.lr', -1, 'input_iba.lr must be a number > 0, got -1'),
    _stage('attributor.input_iba.lr', 'nan', 'input_iba.lr must be a number > 0, got nan'),
    _stage('attributor.input_iba.lr', 'inf', 'input_iba.lr must be a number > 0, got inf'),
    _stage('attributor.input_iba.copies', 0, 'input_iba.copies must be an int >= 1, got 0'),
    _stage('attributor.input_iba.copies', -2, 'input_iba.copies must be an int >= 1, got -2'),
    _stage('attributor.input_iba.beta', -1, 'input_iba.beta must be a number > 0, got -1'),
    _stage('attributor.input_iba.beta', 0, 'input_iba.beta must be a number > 0, got 0'),
    _stage('attributor.input_iba.sigma', -1, 'input_iba.sigma must be a number >= 0, got -1'),
    _stage('attributor.input_iba.lr_decay', 'linear',
           "input_iba.lr_decay must be one of 'constant', 'cosine', got 'linear'"),
    _stage('attributor.input_iba.restarts', 0, 'input_iba.restarts must be an int >= 1'),
    _stage('attributor.feat_iba.beta', -20, 'feat_iba.beta must be a number > 0, got -20'),
    _stage('attributor.feat_iba.steps', 0, 'feat_iba.steps must be an int >= 1, got 0'),
    _stage('attributor.feat_iba.copies', 0, 'feat_iba.copies must be an int >= 1, got 0'),
    _stage('attributor.feat_iba.lr', 0, 'feat_iba.lr must be a number > 0, got 0'),
    _stage('attributor.feat_iba.lr', 'abc', "feat_iba.lr must be a number > 0, got 'abc'"),
    _stage('attributor.feat_iba.init_alpha', 'high', "feat_iba.init_alpha must be a number"),
    _stage('attributor.gan.epochs', -1, 'gan.epochs must be an int >= 0, got -1'),
    _stage('attributor.gan.batch_size', 0, 'gan.batch_size must be an int >= 1, got 0'),
    _stage('attributor.gan.critic_iters', 0, 'gan.critic_iters must be an int >= 1, got 0'),
    _stage('attributor.gan.dataset_size', 0, 'gan.dataset_size must be an int >= 1, got 0'),
    _stage('attributor.gan.subset_size', -4, 'gan.subset_size must be an int >= 1, got -4'),
    _stage('attributor.gan.critic_lr', 0, 'gan.critic_lr must be a number > 0, got 0'),
    _stage('attributor.gan.weight_clip', -0.01, 'gan.weight_clip must be a number > 0'),
    _stage('attributor.gan.mask_lr', -1, 'gan.mask_lr must be a number >= 0, got -1'),
    _stage('attributor.activation_gradient_width', -0.5,
           'activation_gradient_width must be a number >= 0, got -0.5'),
    _stage('attributor.min_std', 0, 'attributor.min_std must be a number > 0, got 0'),
    _stage('attributor.active_threshold', -1,
           'attributor.active_threshold must be a number >= 0, got -1'),
    _stage('attributor.input_iba', 5, 'attributor.input_iba must be a dict, got 5'),
]


@pytest.mark.parametrize('case', STAGE_VALUES, ids=lambda c: c[0])
def test_values_out_of_range_are_refused_before_any_work(case, inputs, tmp_path):
    pair, error, text = case
    before = _tree(inputs.parent)
    work = tmp_path / 'work'
    with pytest.raises(error, match=re.escape(text)):
        train('t', [str(inputs), '--work-dir', str(work), '--device', 'cpu',
                    '--cfg-options', pair])
    assert not work.exists()
    assert _tree(inputs.parent) == before


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


def _labels(content):
    """Setup: a labels file of ``content`` (missing when None) in the config."""
    def setup(tmp):
        path = tmp / ('labels.txt' if content is not None else 'no_labels.txt')
        if content is not None:
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        (tmp / 'cfg.py').write_text(SALIENCY.format(root=tmp / 'images',
                                                    labels=repr(str(path))))
        return []
    return setup


def _argv(*argv):
    return lambda tmp: [a.format(tmp=tmp) for a in argv]


def _same_name(tmp):
    shutil.copy(tmp / 'images' / 'img0.png', tmp / 'images' / 'img0.jpg')
    return []


def _misspelt_section(tmp):
    with open(tmp / 'cfg.py', 'a') as f:
        f.write('atribution = dict(batch_size=2)\n')
    return []


# (id, setup of the run folder -> extra argv, error, message): refused before
# the run record is written; the inputs stay as they were
INPUTS = [
    ('label -7', _labels('img0.png -7\n'), ValueError,
     "labels.txt, line 1: 'img0.png -7' is not `<file> <class>` with a class >= 0"),
    ('label cat', _labels('img1.png 2\nimg0.png cat\n'), ValueError,
     "labels.txt, line 2: 'img0.png cat' is not `<file> <class>`"),
    ('label missing', _labels('img0.png\n'), ValueError,
     "labels.txt, line 1: 'img0.png' is not `<file> <class>`"),
    ('labels not text', _labels(b'\xff\xfe\x00\x01'), ValueError,
     'labels.txt is not text'),
    ('labels file missing', _labels(None), FileNotFoundError, 'no_labels.txt'),
    ('missing image folder', _argv('--cfg-options', 'data.attribute.root=/no/such/folder'),
     FileNotFoundError, "Image folder not found at '/no/such/folder'. Set the dataset's root"),
    ('spaced missing folder', _argv('--cfg-options', 'data.attribute.root=/no/such images'),
     FileNotFoundError, "Image folder not found at '/no/such images'"),
    ('empty image folder', _argv('--cfg-options', 'data.attribute.root={tmp}'),
     FileNotFoundError, 'No images'),
    ('work dir is the image folder', _argv('--work-dir', '{tmp}/images'), ValueError,
     'contains the input data'),
    ('work dir holds the image folder', _argv('--work-dir', '{tmp}'), ValueError,
     'contains the input data'),
    ('same name twice', _same_name, ValueError, "share the name 'img0'"),
    ('misspelt section in the file', _misspelt_section, KeyError,
     "is not a section a tool reads; did you mean 'attribution'"),
]


@pytest.mark.parametrize('case', INPUTS, ids=lambda c: c[0])
def test_bad_inputs_are_refused_before_any_work(case, tmp_path):
    _, setup, error, text = case
    cfg, work, mp = _fresh(tmp_path, SALIENCY)
    argv = setup(tmp_path)
    before = _tree(tmp_path)
    if '--work-dir' not in argv:
        argv += ['--work-dir', str(work)]
    with pytest.raises(error, match=re.escape(text)):
        train('t', [str(cfg), '--device', 'cpu'] + argv)
    assert not (work / 'run.json').exists() and not (work / 'input_masks').exists()
    assert _tree(tmp_path) == before
    mp.undo()


TOO_FEW_ESTIMATION_SAMPLES = 'Too few readable samples in data.estimate'


@pytest.mark.parametrize('readable', [0, 1])
def test_too_few_readable_estimation_samples_are_not_cached(readable, tmp_path):
    cfg, work, mp = _fresh(tmp_path, CONFIG.replace(
        "estimate=dict(type='ImageFolder', root=r'{root}'",
        "estimate=dict(type='ImageFolder', root=r'{root}/../broken'"))
    (tmp_path / 'broken').mkdir()
    (tmp_path / 'broken' / 'bad.png').write_bytes(b'not an image')
    if readable:
        shutil.copy(tmp_path / 'images' / 'img0.png', tmp_path / 'broken' / 'good.png')
    with pytest.raises(ValueError, match=re.escape(
            f'{TOO_FEW_ESTIMATION_SAMPLES} ({readable})')):
        train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert not [f for _, _, fs in os.walk(work / 'estimation') for f in fs]
    assert not (work / 'input_masks').exists()
    mp.undo()


def test_fewer_estimation_samples_than_configured_is_a_warning_naming_both(tmp_path):
    cfg, work, mp = _fresh(tmp_path, CONFIG)  # 8 configured, 3 images
    summary = train('t', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert summary['done'] == 3
    assert ('data.num_estimation_samples is 8, but data.estimate gave 3 readable samples'
            in max((work / 'logs').glob('*.log')).read_text())
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


def test_compare_refuses_a_name_twice_before_any_method_runs(tmp_path):
    cfg, work, mp = _fresh(tmp_path, COMPARE)
    shutil.copy(tmp_path / 'images' / 'img0.png', tmp_path / 'images' / 'img0.jpg')
    with pytest.raises(ValueError, match="share the name 'img0'"):
        compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert not (work / 'Saliency').exists() and not (work / 'run.json').exists()
    mp.undo()


NAN_INPUT = 'Input sample(s) [1] of the batch hold NaN or infinite values'
# the Python API: (attributor, value put in one pixel of the second sample)
API = [(kind, value) for kind in ('Saliency', 'IntegratedGradients', 'Random')
       for value in (float('nan'), float('inf'), -float('inf'))]


@pytest.mark.parametrize('kind,value', API, ids=lambda c: str(c))
def test_non_finite_inputs_are_refused_by_the_python_api(kind, value, tiny_convnet):
    from input_iba.apis import build_attributor
    attributor = build_attributor(dict(type=kind), tiny_convnet)
    x = torch.rand(2, 3, 16, 16)
    x[1, 0, 3, 4] = value
    with pytest.raises(ValueError, match=re.escape(NAN_INPUT)):
        attributor.attribute(x, torch.tensor([0, 1]))


def test_a_label_below_zero_is_an_error_not_no_label(tiny_convnet):
    from input_iba.apis import build_attributor
    from input_iba.engine.batch import resolve_targets
    attributor = build_attributor(dict(type='Saliency'), tiny_convnet)
    batch = dict(inputs=torch.rand(2, 3, 16, 16), targets=torch.tensor([-1, -7]))
    with pytest.raises(ValueError, match=re.escape('Label(s) [-7] of the batch: a label '
                                                   'is a class >= 0')):
        resolve_targets(attributor, batch, 'label')


def _module(path):
    torch.save(nn.Linear(2, 2), path)


def _cut(path):
    torch.save(dict(w=torch.zeros(64)), path)
    path.write_bytes(path.read_bytes()[:200])


# files a run reads: (id, how to spoil the file, message)
CHECKPOINTS = [
    ('pickled module', _module, 'is not a plain state dict: it holds Python objects '
     '(torch.nn.modules.linear.Linear)'),
    ('garbage', lambda p: p.write_bytes(b'garbage' * 10), 'is not a readable checkpoint'),
    ('empty', lambda p: p.write_bytes(b''), 'is not a readable checkpoint'),
    ('cut short', _cut, 'is not a readable checkpoint'),
]


@pytest.mark.parametrize('case', CHECKPOINTS, ids=lambda c: c[0])
def test_bad_checkpoints_name_the_file_and_the_fix(case, tmp_path):
    from input_iba.utils import load_weights
    _, spoil, text = case
    path = tmp_path / 'model.pth'
    spoil(path)
    with pytest.raises(ValueError, match=re.escape(text)) as err:
        load_weights(str(path), 'missing')
    assert str(path) in str(err.value) and 'weights_only=True' not in str(err.value)
    if case[0] == 'pickled module':  # the safe conversion, not torch's advice
        assert "torch.save(m.state_dict()" in str(err.value)


MASKS = [
    ('NaN mask', lambda p: np.save(p, np.full((16, 16), np.nan, np.float32)),
     'holds NaN or infinite values'),
    ('zero-byte mask', lambda p: p.write_bytes(b''), 'is not a readable mask'),
    ('garbage mask', lambda p: p.write_bytes(b'\x93NUMPY garbage'), 'is not a readable mask'),
]


@pytest.mark.parametrize('case', MASKS, ids=lambda c: c[0])
def test_evaluate_leaves_a_bad_mask_out_and_names_it(case, finished, tmp_path):
    from input_iba.tools.evaluate import main as evaluate
    from input_iba.visualization.report import REPORT
    _, spoil, text = case
    cfg, work = finished
    copy = tmp_path / 'work'
    shutil.copytree(work, copy)
    spoil(copy / 'input_masks' / 'img1.npy')
    before, inputs = _tree(copy), _tree(cfg.parent / 'images')
    summary = evaluate('e', [str(cfg), '--work-dir', str(copy), '--device', 'cpu',
                             '--metrics', 'insertion_deletion'])['insertion_deletion']
    assert summary['num_samples'] == 2
    assert summary['insertion_auc']['n'] == 2
    [message] = summary['bad_masks']
    assert str(copy / 'input_masks' / 'img1.npy') in message and text in message
    # the evaluation's outputs: its folder and the work dir's report
    after = {f: b for f, b in _tree(copy).items()
             if not f.startswith('eval_input_masks') and f != REPORT}
    before.pop(REPORT, None)
    assert after == before and _tree(cfg.parent / 'images') == inputs


def test_the_pointing_game_without_boxes_blames_the_boxes(finished, tmp_path):
    from input_iba.datasets import ImageFolder
    from input_iba.evaluation.vision.pointing_game import PointingGame
    cfg, work = finished
    summary = PointingGame().run(ImageFolder(str(cfg.parent / 'images')),
                                 str(work / 'input_masks'), str(tmp_path), progress=False)
    assert summary['note'].startswith('no sample was scored: 3 of the 3 had a mask')
    assert 'none had a box' in summary['note']


def _text_folder(tmp, content):
    for sub in ('pos', 'neg'):
        (tmp / sub).mkdir()
        (tmp / sub / 'a.txt').write_text('a fine film')
    (tmp / 'neg' / 'b.txt').write_bytes(content)
    return dict(type='TextFolder', root=str(tmp)), tmp / 'neg' / 'b.txt'


def _sst2(tmp, content):
    (tmp / 'train.tsv').write_bytes(b'sentence\tlabel\na fine film\t1\n' + content)
    return dict(type='SST2', root=str(tmp)), tmp / 'train.tsv'


def _eraser(tmp, content):
    (tmp / 'docs').mkdir()
    (tmp / 'docs' / 'a.txt').write_text('a fine film')
    (tmp / 'train.jsonl').write_bytes(content)
    return dict(type='EraserMovies', root=str(tmp)), tmp / 'train.jsonl'


def _vocab(tmp, content):
    from input_iba.utils.vocabulary import Vocabulary
    (tmp / 'vocab.json').write_bytes(content)
    return Vocabulary.load, tmp / 'vocab.json'


# text files a dataset reads: (id, how to make the dataset, content, message)
TEXT_FILES = [
    ('binary document', _text_folder, b'\xff\xfe\x00\x81', 'is not text (not UTF-8 at byte'),
    ('binary tsv', _sst2, b'\xff\xfe\t1\n', 'is not text (not UTF-8 at byte'),
    ('tsv without a label', _sst2, b'no label here\n', ", line 3: 'no label here' is not "
     '`sentence<TAB>label`'),
    ('tsv with a negative label', _sst2, b'bad\t-7\n', ", line 3: 'bad\\t-7' is not "
     '`sentence<TAB>label` with a label >= 0'),
    ('jsonl not JSON', _eraser, b'{"annotation_id": "a.txt"\n', ', line 1: not JSON'),
    ('vocabulary not JSON', _vocab, b'{"itos": [', 'is not valid JSON'),
    ('vocabulary of something else', _vocab, b'{"words": []}',
     'is not an input_iba vocabulary'),
]


@pytest.mark.parametrize('case', TEXT_FILES, ids=lambda c: c[0])
def test_bad_text_files_name_the_file(case, tmp_path):
    from input_iba.apis import build_dataset
    _, make, content, text = case
    built, path = make(tmp_path, content)
    before = _tree(tmp_path)
    with pytest.raises(ValueError, match=re.escape(text)) as err:
        built(str(path)) if callable(built) else build_dataset(built)
    assert str(path) in str(err.value)
    assert _tree(tmp_path) == before


@pytest.mark.parametrize('traceback', [False, True])
def test_a_script_prints_an_error_as_one_line(traceback, finished):
    import subprocess
    import sys

    from tests.tools.helpers import FIXTURES, REPO
    cfg, work = finished
    env = dict(os.environ, PYTHONPATH=FIXTURES, OMP_NUM_THREADS='1')
    if traceback:
        env['INPUT_IBA_TRACEBACK'] = '1'
    res = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'vision', 'train.py'),
                          str(cfg), '--work-dir', str(work), '--device', 'cpu',
                          '--cfg-options', 'attribution.bach_size=2'],
                         env=env, capture_output=True, text=True)
    assert res.returncode == 1
    assert "did you mean 'batch_size'" in res.stderr
    assert ('Traceback' in res.stderr) == traceback
    if not traceback:
        assert res.stderr.strip().splitlines()[-1].startswith(
            'error: attribution.bach_size is not a known key')


# (--cfg-options pair, message): evaluator settings out of range, refused by
# the evaluate tool before its out dir is made
EVALUATION_VALUES = [
    ('evaluation.pointing_game.tolerance=-1',
     'evaluation.pointing_game.tolerance must be a number >= 0, got -1'),
    ('evaluation.degradation.tile=0', 'evaluation.degradation.tile must be an int >= 1, got 0'),
    ('evaluation.sensitivity_n.num_subsets=0',
     'evaluation.sensitivity_n.num_subsets must be an int >= 1 (or None), got 0'),
    ('evaluation.sensitivity_n.batch_size=0',
     'evaluation.sensitivity_n.batch_size must be an int >= 1, got 0'),
    ('evaluation.road.noise=-0.1', 'evaluation.road.noise must be a number >= 0, got -0.1'),
]


@pytest.mark.parametrize('pair,text', EVALUATION_VALUES)
def test_evaluation_values_out_of_range_are_refused(pair, text, finished, tmp_path):
    from input_iba.tools.evaluate import main as evaluate
    cfg, work = finished
    copy = tmp_path / 'work'
    shutil.copytree(work, copy)
    before = _tree(copy)
    with pytest.raises(ValueError, match=re.escape(text)):
        evaluate('e', [str(cfg), '--work-dir', str(copy), '--device', 'cpu',
                       '--cfg-options', pair])
    assert _tree(copy) == before and not (copy / 'eval_input_masks').exists()


def test_contact_sheet_of_a_text_run_says_so(tmp_path):
    import subprocess
    import sys

    from tests.tools.helpers import REPO
    for sub in ('pos', 'neg'):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / 'a.txt').write_text('a fine film')
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(f"model = dict(type='DeepLSTM')\nattributor = dict(type='Saliency')\n"
                   f"data = dict(attribute=dict(type='TextFolder', root=r'{tmp_path}'))\n")
    res = subprocess.run([sys.executable, os.path.join(REPO, 'tools', 'vision', 'contact_sheet.py'),
                          str(cfg), '--work-dir', str(tmp_path / 'work')],
                         capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert res.returncode == 2 and 'Traceback' not in res.stderr
    assert 'the dataset has no images (a text run?)' in res.stderr


VOCABULARY_MISMATCH = 'Tokenizer/model mismatch: data.attribute encodes with a vocabulary of'


def test_a_dataset_vocabulary_larger_than_the_model_is_refused():
    from input_iba.apis.builders import check_vocabulary_fits
    from input_iba.datasets import TextClassificationDataset
    words = [f'w{i}' for i in range(20)]
    dataset = TextClassificationDataset([('d0', words, 0, None)])
    model = MODELS.build(dict(type='BiLSTMAttention', vocab_size=8, embedding_dim=4,
                              hidden_dim=4, attention_dim=4))
    with pytest.raises(ValueError, match=re.escape(
            f'{VOCABULARY_MISMATCH} {len(dataset.vocab)} tokens but the model embeds only 8')):
        check_vocabulary_fits(model, dataset)
    fitting = MODELS.build(dict(type='BiLSTMAttention', vocab_size=len(dataset.vocab),
                                embedding_dim=4, hidden_dim=4, attention_dim=4))
    check_vocabulary_fits(fitting, dataset)


#: the messages of each family; tests/test_docs.py checks the table of
#: docs/when_things_go_wrong.md against them
FAMILIES = dict(
    config=[case[3] for case in FINISHED], flags=[case[2] for case in FLAGS],
    values=[case[2] for case in STAGE_VALUES], stage_keys=[text for _, text in INPUT_IBA_BAD],
    inputs=[case[3] for case in INPUTS], checkpoints=[case[2] for case in CHECKPOINTS],
    masks=[case[2] for case in MASKS], estimation=[TOO_FEW_ESTIMATION_SAMPLES],
    python_api=[NAN_INPUT], text_files=[case[3] for case in TEXT_FILES],
    evaluation_values=[text for _, text in EVALUATION_VALUES],
    vocabulary=[VOCABULARY_MISMATCH])
