"""The :class:`~input_iba.evaluation.roar.study.RoarStudy` of a config
(``tools/nlp/roar.py`` and the ROAR benchmarks build it here). Not imported
by the package's ``__init__``: it reads configs through
:mod:`input_iba.apis`, which imports the metrics."""
from input_iba.apis.builders import build_dataset, config_adapter, with_adapter
from input_iba.apis.settings import attribution_batch_size

from .study import RoarStudy


def dataset_tokenizer(dataset):
    """The transformer tokenizer a (possibly wrapped) text dataset encodes
    with, or None when it has a vocabulary of its own."""
    return getattr(getattr(dataset, 'dataset', dataset), 'tokenizer', None)


def build_study(cfg, work_dir, device='cpu'):
    """The :class:`RoarStudy` of a config: its datasets (val and test on the
    training vocabulary, or a transformer's tokenizer with its ``[MASK]``),
    the model config, the measures with the config's adapter."""
    train = build_dataset(cfg.data.train)
    tokenizer = dataset_tokenizer(train)
    if tokenizer is None:  # a vocabulary of the training split
        datasets = dict(train=train,
                        val=build_dataset(dict(cfg.data.val, vocab=train.vocab)),
                        test=build_dataset(dict(cfg.data.test, vocab=train.vocab)))
        model = dict(cfg.model, vocab_size=len(train.vocab))
        mask_id, protected = train.vocab.mask_id, (train.vocab.pad_id, )
    else:  # a transformer's own tokenizer: its [MASK], special tokens never masked
        if tokenizer.mask_token_id is None:
            raise ValueError('The tokenizer of data.train has no mask token: ROAR replaces '
                             'tokens by it; use a tokenizer with one (BERT, RoBERTa, MiniLM).')
        datasets = dict(train=train, val=build_dataset(cfg.data.val),
                        test=build_dataset(cfg.data.test))
        model, mask_id = dict(cfg.model), tokenizer.mask_token_id
        protected = tuple(i for i in tokenizer.all_special_ids if i != mask_id)
    adapter = config_adapter(cfg)
    measures = {name: with_adapter(m, adapter) for name, m in cfg.measures.items()}
    return RoarStudy(work_dir, model, datasets, measures, train=cfg.train, device=device,
                     mask_id=mask_id, protected_ids=protected,
                     importance_batch_size=attribution_batch_size(cfg, device),
                     **cfg.roar)
