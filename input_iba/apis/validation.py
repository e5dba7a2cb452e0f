"""Config checks that run before any work: every section a tool reads is
checked against what its consumer accepts (a class's or function's
arguments, or a fixed list), with the close names of a misspelt key, and
every value against the types and ranges its consumer declares
(``value_ranges``, :mod:`input_iba.utils.ranges`)."""
import difflib
import inspect

from input_iba.apis.builders import DATA_RANGES
from input_iba.engine.attribution_store import explain_dataset
from input_iba.evaluation.roar.study import RoarStudy
from input_iba.registry import ATTRIBUTORS, DATASETS, EVALUATORS, MODELS
from input_iba.training.classifier import train_classifier
from input_iba.training.explainer import train_explainer
from input_iba.utils.ranges import check_values

#: what a ``data`` section may hold
DATA_KEYS = ('attribute', 'estimate', 'train', 'val', 'test', 'estimation_batch_size',
             'num_estimation_samples')
#: keys of the sections that no class reads directly
SECTION_KEYS = dict(attribution=('batch_size', ))
#: old spellings -> the key that replaced them
RENAMED = {
    'batch_sizes': 'attribution.batch_size (an int, or dict(<method>=N) in compare '
                   'configs)',
    'explain.batch_size': 'attribution.batch_size',
    'roar.importance_batch_size': 'attribution.batch_size',
    'evaluation.batch_size': 'attribution.batch_size',
}
#: top-level names every config may use besides the sections a tool checks
COMMON = ('model', 'data', 'attributor', 'attribution', 'adapter', 'pipeline', 'seed',
          'visualizer', 'num_threads', 'work_dir', 'device', 'methods', 'metrics',
          'measures', 'evaluation', 'roar', 'train', 'explain', 'explainer',
          'targets_dir', 'paired_reference', 'figure_samples', 'custom_imports')


def close_names(key, known):
    """``"; did you mean 'x'?"`` for a close name in ``known``, else ''."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f'; did you mean {close[0]!r}?' if close else ''


def check_keys(where, given, known):
    """Refuse a key of ``given`` that is not in ``known``, naming the close
    one and the known keys."""
    for key in given:
        if key not in known:
            raise KeyError(f'{where}.{key} is not a known key{close_names(key, known)} '
                           f'(known: {", ".join(sorted(known))}).')


def accepted_keys(target):
    """The keyword arguments of a class or function: its named parameters,
    those of the base classes it hands ``**kwargs`` to, and a class's
    ``schedule_keys``; None when a ``**kwargs`` goes somewhere unknown."""
    chain = target.__mro__[:-1] if inspect.isclass(target) else (target, )
    keys = set(getattr(target, 'schedule_keys', ()))
    for owner in chain:
        func = owner.__init__ if inspect.isclass(target) else owner
        if inspect.isclass(target) and '__init__' not in vars(owner):
            continue
        params = inspect.signature(func).parameters.values()
        keys |= {p.name for p in params
                 if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)} - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in params) or hasattr(target,
                                                                         'schedule_keys'):
            return keys
    return None


def ranges_of(target):
    """The ``value_ranges`` a class (or one of its bases) or a function
    declares; ``{}``."""
    for owner in getattr(target, '__mro__', (target, )):
        if 'value_ranges' in vars(owner):
            return vars(owner)['value_ranges']
    return {}


def check_component(where, cfg, registry, extra=()):
    """A ``dict(type=..., ...)`` built from ``registry``: its type exists and
    every key is an argument of that type (or in ``extra``)."""
    if not isinstance(cfg, dict) or 'type' not in cfg:
        raise KeyError(f'{where} must be a dict with a `type` key, got {cfg!r}.')
    kind = cfg['type']
    if not isinstance(kind, str):
        return
    cls = registry.get(kind)
    if cls is None:
        registry.import_from_location()
        raise KeyError(f'{where}.type {kind!r} is not a registered {registry.name}'
                       f'{close_names(kind, registry.module_dict)}.')
    replacement = getattr(cls, 'replacement', lambda key: None)
    for key in cfg:
        if replacement(key):
            raise KeyError(f'{where}.{key} is no longer read: set {where}.{replacement(key)} '
                           '(inputs per forward pass inside one attribution).')
    known = accepted_keys(cls)
    if known is not None:
        check_keys(where, set(cfg) - {'type'}, known | set(extra) | {'type'})
    check_values(where, cfg, ranges_of(cls))


def check_renamed(cfg):
    """Refuse the old spellings of :data:`RENAMED`, naming the new key."""
    for old, new in RENAMED.items():
        section, _, key = old.partition('.')
        value = cfg.get(section)
        if (not key and section in cfg) or (key and isinstance(value, dict) and key in value):
            raise KeyError(f'{old} is no longer read: set {new}.')


def _data(cfg):
    check_keys('data', cfg.data, DATA_KEYS)
    check_values('data', cfg.data, DATA_RANGES)
    for name in ('attribute', 'estimate', 'train', 'val', 'test'):
        if name in cfg.data:
            check_component(f'data.{name}', cfg.data[name], DATASETS)


def _metric_evaluation(cfg):
    from input_iba.evaluation.catalogue import metrics
    known = metrics()
    check_keys('evaluation', cfg.get('evaluation', {}), known)
    for name, overrides in cfg.get('evaluation', {}).items():
        extra = ('estimation_samples', ) if known[name].reruns_attributor else ()
        check_component(f'evaluation.{name}', dict(overrides, type=known[name].__name__),
                        EVALUATORS, extra)
    for name in cfg.get('metrics', ()):
        if name not in known:
            raise KeyError(f'metrics: {name!r} is not a metric{close_names(name, known)}.')


def _attribution(cfg):
    check_keys('attribution', cfg.get('attribution', {}), SECTION_KEYS['attribution'])
    size = cfg.get('attribution', {}).get('batch_size')
    sizes = size.values() if isinstance(size, dict) else [size]
    for value in sizes:
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f'attribution.batch_size must be a positive int, got {value!r}.')
    if isinstance(size, dict):
        if 'methods' not in cfg:
            raise ValueError('attribution.batch_size is a dict of methods only in a compare '
                             f'config (one with `methods`); set an int, got {size!r}.')
        check_keys('attribution.batch_size', size, cfg.methods)


def _group(section):
    def check(cfg):
        for name, att in cfg.get(section, {}).items():
            check_component(f'{section}.{name}', att, ATTRIBUTORS)
    return check


def check_section(reader):
    """Check the config section that ``reader`` (a function or class) takes
    as its keyword arguments, as it declares beside itself (its
    ``config_section``, :class:`~input_iba.utils.ranges.ConfigSection`): the
    keys against its arguments other than those the tool passes, plus the
    tool's own; the values against its ``value_ranges``."""
    section = reader.config_section

    def check(cfg):
        known = (accepted_keys(reader) - set(section.passed)) | set(section.extra)
        check_keys(section.name, cfg.get(section.name, {}), known)
        check_values(section.name, cfg.get(section.name, {}), ranges_of(reader))
    return check


#: the checks of the sections that a function or class reads as its
#: keyword arguments -> that reader
SECTION_READERS = dict(explain=explain_dataset, roar=RoarStudy,
                       classifier_training=train_classifier,
                       explainer_training=train_explainer)


CHECKS = dict(
    data=_data,
    attribution=_attribution,
    model=lambda cfg: check_component('model', cfg.model, MODELS, ('vocab_size', )),
    attributor=lambda cfg: 'attributor' not in cfg or check_component(
        'attributor', cfg.attributor, ATTRIBUTORS),
    explainer=lambda cfg: check_component(
        'explainer', dict(cfg.explainer, type='EmpiricalExplainer'), ATTRIBUTORS),
    methods=_group('methods'),
    measures=_group('measures'),
    metric_evaluation=_metric_evaluation,
    **{name: check_section(reader) for name, reader in SECTION_READERS.items()},
)


def option_names(cfg, known):
    """The dotted names of the options of ``cfg``'s ``known`` sections: the
    keys they hold (three levels deep) and the arguments of the registered
    types of ``attributor`` and ``model``."""
    def keys(value, where, depth):
        if not isinstance(value, dict) or depth == 0:
            return set()
        return {f'{where}.{k}' for k in value} | {
            name for k, v in value.items() for name in keys(v, f'{where}.{k}', depth - 1)}

    names = {n for section in known if section in cfg for n in keys(cfg[section], section, 3)}
    for section, registry in (('attributor', ATTRIBUTORS), ('model', MODELS)):
        kind = cfg.get(section, {}).get('type') if isinstance(cfg.get(section), dict) else None
        cls = registry.get(kind) if isinstance(kind, str) else None
        if cls is not None:
            names |= {f'{section}.{k}' for k in accepted_keys(cls) or ()}
    return names


def check_options(cfg, options, known):
    """Refuse a top-level key of ``--cfg-options`` that no tool reads: the
    top-level names of a config file besides its sections are helper
    variables, substituted where they are used when the file is read, so
    setting one on the command line changes nothing."""
    for key in options:
        top = key.split('.')[0]
        if top in known:
            continue
        names = option_names(cfg, known)
        same = sorted(n for n in names if n.rsplit('.', 1)[-1] == top)
        hint = (f'; did you mean {same[0]!r}?' if same
                else close_names(top, sorted(known | names)))
        raise KeyError(f'--cfg-options {key}: {top!r} is not a top-level key a tool reads '
                       f'(a helper name of the config file was already substituted where it '
                       f'is used, so setting it here changes nothing){hint}')


def check_config(cfg, checks, options=()):
    """Run ``checks`` (names of :data:`CHECKS`, or a tool's own functions of
    the config) on ``cfg``, after the old-spelling and top-level checks
    (``options``: the keys set by ``--cfg-options``, see
    :func:`check_options`); raises a ``KeyError``/``ValueError`` naming the
    key and the fix."""
    check_renamed(cfg)
    known = set(COMMON) | {c for c in checks if isinstance(c, str)}
    check_options(cfg, options, known)
    for key in cfg.keys():
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if key not in known and close:
            raise KeyError(f'Top-level config key {key!r} is not a section a tool '
                           f'reads; did you mean {close[0]!r}?')
    for check in checks:
        (CHECKS[check] if isinstance(check, str) else check)(cfg)
