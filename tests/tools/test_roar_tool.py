"""tools/nlp/roar.py end to end on a few SST-2 sentences: a tiny recursive
study (random, attention and MaRC), its RACU table, plot and results, then a
cached rerun."""
import json
import os
import os.path as osp

import pytest

from input_iba.tools.roar import main
from input_iba.utils import default_data_root

CONFIG = '''
_base_ = [r'{repo}/configs/roar/bilstm_attention_sst2.py']
model = dict(embedding_dim=8, hidden_dim=4, attention_dim=4)
data = dict(train=dict(num_samples=40), val=dict(num_samples=10),
            test=dict(num_samples=20))
train = dict(epochs=1)
measures = dict(_delete_=True,
                random=dict(type='Random', adapter=dict(type='TokenEmbeddingAdapter')),
                attention=dict(type='Attention', adapter=dict(type='TokenEmbeddingAdapter')),
                MaRC=dict(type='MaRC', adapter=dict(type='TokenEmbeddingAdapter'),
                          max_steps=3, min_steps=1))
roar = dict(ks=[50, 100], seeds=[0, 1])
'''


@pytest.mark.skipif(not osp.isfile(osp.join(default_data_root(), 'sst2', 'train.tsv')),
                    reason='needs the shared SST-2 data (INPUT_IBA_DATA_ROOT)')
def test_roar_tool_writes_table_plot_and_reuses_its_cache(tmp_path):
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    config = tmp_path / 'roar.py'
    config.write_text(CONFIG.format(repo=repo))
    work = tmp_path / 'work'
    rows = main('roar', [str(config), '--work-dir', str(work), '--device', 'cpu'])
    assert set(rows) == {'accuracy', 'macro_f1'}
    assert set(rows['macro_f1']) == {'attention', 'MaRC'}
    assert set(rows['accuracy']['MaRC']) == {'curves', 'reference'}
    results = json.loads((work / 'results.json').read_text())
    assert set(results['curves']['macro_f1']['random']) == {'0', '1'}
    assert set(results['curves']['accuracy']['random']['0']) == {'0', '50', '100'}
    assert (work / 'roar.png').stat().st_size > 0
    table = (work / 'racu.md').read_text()
    assert table.startswith('RACU of the test accuracy') and 'test macro-F1' in table
    cost = (work / 'cost.md').read_text().splitlines()
    assert [row.split('|')[1].strip() for row in cost[2:]] == ['0', '50', '100']
    assert results['seconds_per_level']['50']['steps'] == 6  # 3 measures x 2 seeds
    curves = (work / 'curves.md').read_text().splitlines()
    attention = results['curves']['accuracy']['attention']
    at50 = [attention[s]['50'] for s in ('0', '1')]
    row = next(r for r in curves if r.startswith('| attention |'))  # accuracy comes first
    assert row.split('|')[3].strip() == \
        f'{sum(at50) / 2:.3f} ± {abs(at50[0] - at50[1]) / 2:.3f}'
    # the fully masked step is shared by both measures, then everything is cached
    assert (work / 'seed0' / 'k100' / 'result.json').is_file()
    mtime = (work / 'attention' / 'seed1' / 'k50' / 'result.json').stat().st_mtime
    main('roar', [str(config), '--work-dir', str(work), '--device', 'cpu'])
    assert json.loads((work / 'results.json').read_text())['curves'] == results['curves']
    assert (work / 'attention' / 'seed1' / 'k50' / 'result.json').stat().st_mtime == mtime


SHARD = """
_base_ = [r'{base}']
measures = dict(_delete_=True, {measures})
"""


@pytest.mark.skipif(not osp.isfile(osp.join(default_data_root(), 'sst2', 'train.tsv')),
                    reason='needs the shared SST-2 data (INPUT_IBA_DATA_ROOT)')
def test_a_study_sharded_over_seeds_and_measures_equals_one_run(tmp_path):
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    adapter = "adapter=dict(type='TokenEmbeddingAdapter')"
    random = f"random=dict(type='Random', {adapter})"
    attention = f"attention=dict(type='Attention', {adapter})"
    full = tmp_path / 'roar.py'  # the tool test's study without MaRC
    full.write_text(CONFIG.format(repo=repo) +
                    f'measures = dict(_delete_=True, {random}, {attention})\n')
    main('roar', [str(full), '--work-dir', str(tmp_path / 'one'), '--device', 'cpu'])
    # attention before random: the random steps are the other shard's
    shards = [(f'{attention}, {random}', 0), (f'{random}', 1), (f'{attention}, {random}', 1)]
    work = str(tmp_path / 'sharded')
    for i, (measures, seed) in enumerate(shards):
        config = tmp_path / f'shard{i}.py'
        config.write_text(SHARD.format(base=full, measures=measures))
        main('roar', [str(config), '--work-dir', work, '--device', 'cpu',
                      '--cfg-options', f'roar.seeds=[{seed}]'])
    main('roar', [str(full), '--work-dir', work, '--device', 'cpu'])
    curves = [json.loads((tmp_path / d / 'results.json').read_text())['curves']
              for d in ('one', 'sharded')]
    assert curves[0] == curves[1] and set(curves[1]['accuracy']['attention']) == {'0', '1'}
    # a changed measure under an old name is refused before any work
    changed = tmp_path / 'changed.py'
    changed.write_text(SHARD.format(base=full, measures=f"{random}, attention=dict("
                                    f"type='Attention', kind='mean', {adapter})"))
    with pytest.raises(ValueError, match="holds the steps of another 'attention' measure"):
        main('roar', [str(changed), '--work-dir', work, '--device', 'cpu'])
    # the model is not a shard: another one is refused as before
    with pytest.raises(RuntimeError, match='holds results of another run'):
        main('roar', [str(full), '--work-dir', work, '--device', 'cpu',
                      '--cfg-options', 'model.hidden_dim=6'])


ROAR_CONFIGS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                        'configs', 'roar')


def _roar_config(name):
    from mmengine import Config

    from input_iba.apis.validation import check_config
    cfg = Config.fromfile(osp.join(ROAR_CONFIGS, f'{name}.py'))
    check_config(cfg, ('data', 'model', 'measures', 'roar', 'attribution',
                       'classifier_training'))
    return cfg


@pytest.mark.parametrize('name', sorted(f[:-3] for f in os.listdir(ROAR_CONFIGS)
                                          if f.endswith('.py')))
def test_every_roar_config_passes_the_tool_checks(name):
    """Configs not run in CI have only keys their consumers take."""
    assert 'random' in _roar_config(name).measures


@pytest.mark.parametrize('name', ['bilstm_attention_sst2_paper', 'minilm_sst2_paper',
                                  'bilstm_attention_sst2_10_levels_cpu'])
def test_the_paper_grid_configs_schedule_every_level(name):
    """The 10-level, 5-seed configs have the paper's measures and schedule a
    recursion from every previous 10%."""
    from input_iba.evaluation.roar import RoarStudy
    cfg = _roar_config(name)
    assert 'mutual_information' in cfg.measures and len(cfg.roar.seeds) == 5
    study = RoarStudy('unused', {}, {}, {}, train={}, importance_batch_size=64, **cfg.roar)
    assert study.levels() == [(10, 0), (20, 10), (30, 20), (40, 30), (50, 40), (60, 50),
                              (70, 60), (80, 70), (90, 80), (100, None)]


HF_CONFIG = '''
model = dict(type='HuggingFaceClassifier', path=r'{folder}')
data = dict(train=dict(type='TextFolder', root=r'{root}', tokenizer=r'{folder}'),
            val=dict(type='TextFolder', root=r'{root}', tokenizer=r'{folder}'),
            test=dict(type='TextFolder', root=r'{root}', tokenizer=r'{folder}'))
train = dict(epochs=1, batch_size=4, lr=1e-3)
measures = dict(random=dict(type='Random'), mutual_information=dict(type='MutualInformation'))
adapter = dict(type='TokenEmbeddingAdapter')
roar = dict(ks=[50, 100], seeds=[0])
'''


def test_roar_tool_on_a_transformer_uses_its_mask_token(tmp_path):
    pytest.importorskip('transformers')
    import torch
    from fixtures.tiny_bert import tiny_bert_folder
    folder = tiny_bert_folder(tmp_path / 'bert')
    for sub, text in (('pos', 'a great film'), ('neg', 'a boring plot')):
        (tmp_path / 'docs' / sub).mkdir(parents=True)
        (tmp_path / 'docs' / sub / 'one.txt').write_text(text)
    config = tmp_path / 'roar.py'
    config.write_text(HF_CONFIG.format(folder=folder, root=tmp_path / 'docs'))
    work = tmp_path / 'work'
    main('roar', [str(config), '--work-dir', str(work), '--device', 'cpu'])
    # '[CLS] a boring plot [SEP]' and '[CLS] a great film [SEP]' (ids 2 ... 3):
    # at 50%, 2 of the 3 pieces become [MASK] (id 4), the ends stay
    masked = torch.load(work / 'mutual_information' / 'seed0' / 'k50' / 'masked_ids.pt')
    for ids in masked['train']:
        assert ids[0] == 2 and ids[-1] == 3 and (ids == 4).sum() == 2 and len(ids) == 5
        assert ids[1] == 12  # 'a' is in both classes: mutual information 0, kept
    assert (work / 'seed0' / 'k100' / 'result.json').is_file()
