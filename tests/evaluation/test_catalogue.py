"""The metric catalogue: names, columns and curves come from the evaluators."""
import pytest
from mmengine.config import Config

from input_iba.apis.builders import build_evaluator, config_adapter
from input_iba.evaluation import catalogue
from input_iba.evaluation.tables import markdown_table


def test_every_metric_is_found_by_name_with_its_columns():
    names = catalogue.metrics()
    for name in ('insertion_deletion', 'sensitivity_n', 'ehr', 'pointing_game',
                 'sanity_check', 'eraser', 'rationale_agreement'):
        assert names[name].name == name and names[name].columns
    assert catalogue.metric('eraser').columns[1] == ('sufficiency', 'sufficiency', False)
    with pytest.raises(KeyError, match="'text_insertion_deletion'.*registered metrics"):
        catalogue.metric('text_insertion_deletion')


def test_a_table_reads_its_columns_from_the_catalogue():
    stats = dict(mean=0.5, ci95=[0.4, 0.6])
    table = markdown_table(dict(A=dict(ehr=dict(ehr=stats, num_samples=3))), ['ehr'])
    assert table.splitlines() == ['| method | EHR (paper) ↑ | n |', '|---|---:|---:|',
                                  '| A | 0.500 ± 0.100 | 3 |']


def test_the_adapter_picks_the_text_defaults(tiny_convnet):
    text = Config(dict(adapter=dict(type='TokenEmbeddingAdapter')))
    image = Config(dict(pipeline=dict(type='ResizeNormalize')))
    ins = build_evaluator(text, 'insertion_deletion', tiny_convnet)
    assert (ins.pixels_per_step, ins.insertion_from) == (1, 'baseline')
    ins = build_evaluator(image, 'insertion_deletion', tiny_convnet)
    assert (ins.pixels_per_step, ins.insertion_from) == (224, 'blur')
    sn = build_evaluator(text, 'sensitivity_n', tiny_convnet)
    assert (sn.ns, sn.num_subsets) == ((1, 2, 4, 8, 16, 32, 64), 50)
    assert build_evaluator(image, 'sensitivity_n', tiny_convnet).num_subsets == 100


def test_the_image_adapter_takes_the_pipelines_normalisation():
    cfg = Config(dict(pipeline=dict(type='ResizeNormalize', mean=(0.485, 0.456, 0.406),
                                    std=(0.229, 0.224, 0.225))))
    adapter = config_adapter(cfg)
    assert adapter == dict(type='ImageAdapter', pixel_mean=(0.485, 0.456, 0.406),
                           pixel_std=(0.229, 0.224, 0.225))
    # a config's own adapter keeps its settings and gains the normalisation
    cfg.adapter = dict(type='ImageAdapter', channels_last=True, pixel_std=(1, 1, 1))
    assert config_adapter(cfg) == dict(type='ImageAdapter', channels_last=True,
                                       pixel_mean=(0.485, 0.456, 0.406), pixel_std=(1, 1, 1))
    assert config_adapter(Config(dict(model=dict(type='DeepLSTM')))) is None
