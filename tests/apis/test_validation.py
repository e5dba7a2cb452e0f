"""The config sections that a function or class reads as its keyword
arguments are declared beside it; the declaration must name its arguments."""
import pytest

from input_iba.apis.validation import CHECKS, SECTION_READERS, accepted_keys


@pytest.mark.parametrize('check', sorted(SECTION_READERS))
def test_a_section_reader_declares_arguments_it_has(check):
    reader = SECTION_READERS[check]
    section, accepted = reader.config_section, accepted_keys(reader)
    assert set(section.passed) <= accepted, (
        f'{reader.__name__} has no arguments {sorted(set(section.passed) - accepted)}: '
        'update its config_section')
    assert not set(section.extra) & accepted, 'an argument is read by the reader, not the tool'
    assert check in CHECKS


def test_a_section_is_checked_against_its_reader():
    from mmengine.config import Config
    cfg = Config(dict(explain=dict(shard_size=8, shard_sise=8)))
    with pytest.raises(KeyError, match="explain.shard_sise is not a known key; did you mean "
                                       "'shard_size'"):
        CHECKS['explain'](cfg)
    with pytest.raises(KeyError, match='explain.work_dir is not a known key'):
        CHECKS['explain'](Config(dict(explain=dict(work_dir='x'))))  # the tool passes it
    with pytest.raises(ValueError, match='explain.shard_size must be an int >= 1, got 0'):
        CHECKS['explain'](Config(dict(explain=dict(shard_size=0))))
    CHECKS['explainer_training'](Config(dict(train=dict(val_fraction=0.1, epochs=2))))
