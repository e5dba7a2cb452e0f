import pytest

from input_iba.evaluation.tables import sample_counts
from input_iba.tools.compare import main as compare

EXTRA = '''
methods = dict(
    Saliency=dict(type='Saliency'),
    Random=dict(type='Random'),
    IBA=dict(type='IBA', layer='features.2', steps=2, copies=2))
metrics = ['insertion_deletion', 'pointing_game']
evaluation = dict(insertion_deletion=dict(pixels_per_step=32))
figure_samples = 2
paired_reference = 'IBA'
'''


def test_compare_writes_a_table_and_figures(image_run):
    cfg, work = image_run
    cfg.write_text(cfg.read_text() + EXTRA)
    summaries = compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert set(summaries) == {'Saliency', 'Random', 'IBA'}
    table = (work / 'table.md').read_text().splitlines()
    assert table[0].startswith('| method | insertion AUC ↑ | deletion AUC ↓ |')
    assert len(table) == 12 and table[3].startswith('| Random | ')
    assert table[8].startswith('| IBA minus | insertion AUC ↑ |')
    assert table[10].startswith('| Saliency | ') and '/4 better)' in table[10]
    assert (work / 'masks.png').is_file() and (work / 'insertion_deletion.png').is_file()
    assert (work / 'IBA' / 'input_masks' / 'img0.npy').is_file()


def test_paired_table_by_hand(tmp_path):
    import json

    from input_iba.evaluation.tables import paired_table
    # pointing game hits per image: A = [1, 1, 0], B = [0, 1, 0, (1 only B)]
    for method, hits in dict(A=[1, 1, 0], B=[0, 1, 0, 1]).items():
        folder = tmp_path / method / 'eval_input_masks' / 'pointing_game'
        folder.mkdir(parents=True)
        for i, hit in enumerate(hits):
            (folder / f'img{i}.json').write_text(json.dumps(dict(name=f'img{i}', hit=hit)))
    table = paired_table(str(tmp_path), ['A', 'B'], ['pointing_game'], 'A').splitlines()
    # differences on the 3 shared images: [1, 0, 0]: mean 1/3, std 0.577,
    # CI half-width 1.96 * 0.577 / sqrt(3) = 0.653; A better on 1 of 3
    assert table[0] == '| A minus | pointing game ↑ |'
    assert table[2] == '| B | 0.333 ± 0.653 (1/3 better) |'


def test_the_sample_count_names_metrics_that_used_fewer_samples():
    by_metric = dict(insertion_deletion=dict(num_samples=18), ehr=dict(num_samples=6))
    assert sample_counts(by_metric, ['insertion_deletion', 'ehr']) == '18 (EHR (paper) 6)'
    assert sample_counts(by_metric, ['insertion_deletion']) == '18'
    assert sample_counts({}, []) == '0'  # attribution only: metrics=[]


def test_compare_runs_the_sanity_check_for_layer_attributors(image_run):
    """IBA needs statistics of every randomised model: the compare tool
    gives the sanity check images of data.estimate for that."""
    cfg, work = image_run
    cfg.write_text(cfg.read_text() + EXTRA + '''
metrics = ['sanity_check']
evaluation = dict(sanity_check=dict(max_steps=2, estimation_samples=2))
paired_reference = None
''')
    summaries = compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu',
                              '--num-samples', '2'])  # broken.png, img0
    for method in ('IBA', 'Saliency'):
        ssim = summaries[method]['sanity_check']['final_ssim']['mean']
        assert -1.0 <= ssim <= 1.0
    # the control: Saliency is deterministic, so its re-run is the same map
    assert summaries['Saliency']['sanity_check']['repeat_ssim']['mean'] == pytest.approx(1)
    table = (work / 'table.md').read_text()
    assert '| IBA | ' in table and 'SSIM of a re-run (control)' in table
