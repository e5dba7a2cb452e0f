"""The engine is the one place that attributes a dataset: a grep over the
package for the batch step's calls and for chunk loops."""
import os
import os.path as osp
import re

import input_iba

PACKAGE = osp.dirname(input_iba.__file__)
ENGINE = ('engine/loop.py', 'engine/batch.py')
#: an attributor's ``attribute`` (Captum's methods, called inside our
#: attributors, are named ``method`` or ``captum_method()``)
ATTRIBUTE = re.compile(r'\b(att|attributor|explainer|measure)\w*\.attribute\(')
#: the batch step, driven by the loop only
STEP = re.compile(r'\battribute_items\(')
#: a loop over a sequence in chunks
CHUNKS = re.compile(r'for \w+ in (tqdm\()?range\(\s*0\s*,\s*len\(')
#: chunk loops that attribute nothing, and why
OTHER_CHUNKS = {
    'datasets/base.py': 'iter_batches: collated batches for layer statistics',
    'datasets/confident.py': 'predictions that select the confident samples',
    'training/classifier.py': 'classifier training batches',
    'training/explainer.py': 'explainer training batches',
    'evaluation/text/eraser_faithfulness.py': 'forward passes of masked documents',
}


def _sources():
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.py'):
                path = osp.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    yield osp.relpath(path, PACKAGE).replace(os.sep, '/'), f.read()


def _hits(pattern, allowed):
    return [f'{path}:{text[:m.start()].count(chr(10)) + 1}'
            for path, text in _sources() if path not in allowed
            for m in pattern.finditer(text)]


def test_attributors_are_called_by_the_batch_step_only():
    assert _hits(ATTRIBUTE, ('engine/batch.py', )) == [], \
        'attribute through input_iba.engine.attribute_dataset, not attributor.attribute'


def test_the_batch_step_is_driven_by_the_loop_only():
    assert [h for h in _hits(STEP, ENGINE)] == [], \
        'attribute a dataset with input_iba.engine.attribute_dataset and a sink'


def test_no_other_chunk_loop():
    hits = _hits(CHUNKS, ENGINE + tuple(OTHER_CHUNKS))
    assert hits == [], ('attribute a dataset with input_iba.engine.attribute_dataset; a chunk '
                        'loop that attributes nothing goes into OTHER_CHUNKS with its reason')


def test_the_patterns_find_what_they_are_for():
    loop = dict(_sources())['engine/loop.py']
    assert STEP.search(loop) and CHUNKS.search(loop)
    assert ATTRIBUTE.search(dict(_sources())['engine/batch.py'])
    assert all(path in dict(_sources()) for path in OTHER_CHUNKS)
