from input_iba.apis.compare_tool import main as compare

EXTRA = '''
methods = dict(
    Saliency=dict(type='Saliency'),
    Random=dict(type='Random'),
    IBA=dict(type='IBA', layer='features.2', steps=2, copies=2))
metrics = ['insertion_deletion', 'pointing_game']
evaluation = dict(insertion_deletion=dict(pixels_per_step=32))
figure_samples = 2
'''


def test_compare_writes_a_table_and_figures(image_run):
    cfg, work = image_run
    cfg.write_text(cfg.read_text() + EXTRA)
    summaries = compare('c', [str(cfg), '--work-dir', str(work), '--device', 'cpu'])
    assert set(summaries) == {'Saliency', 'Random', 'IBA'}
    table = (work / 'table.md').read_text().splitlines()
    assert table[0].startswith('| method | insertion AUC ↑ | deletion AUC ↓ |')
    assert len(table) == 5 and table[3].startswith('| Random | ')
    assert (work / 'masks.png').is_file() and (work / 'insertion_deletion.png').is_file()
    assert (work / 'IBA' / 'input_masks' / 'img0.npy').is_file()
