"""Hugging Face sequence classifiers behind the text-classifier interface."""
import contextlib

import torch

from input_iba.registry import MODELS

from .pretrained import load_tokenizer, resolve_model_folder
from .text_base import TextClassifier

ATTENTION_KINDS = ('last', 'rollout')


@contextlib.contextmanager
def quiet_loading(quiet):
    """transformers' loading messages and progress bar off while ``quiet``."""
    from transformers.utils import logging as hf_logging
    if not quiet:
        yield
        return
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@MODELS.register_module()
class HuggingFaceClassifier(TextClassifier):
    """A ``transformers`` sequence classifier, called with ``inputs_embeds``.

    ``embed`` returns only the *word* embeddings: the model adds position
    (and token type) embeddings itself, so masks act on words alone and
    positions are never added twice. The ids come from the model's own
    tokenizer (the datasets' ``tokenizer=`` option), special tokens included.

    Pairs of texts: where the model has segment (token type) embeddings and
    its tokenizer types a pair as BERT does (1 after the first ``[SEP]``),
    ``embed`` adds the second segment's embedding, less the first's (which
    the model adds to every token itself), to the word embeddings of the
    second text, so the model sees the pair as its tokenizer encodes it.
    That segment term travels with the word: a masked word is mixed with the
    padding embedding, which is of the first segment, as padding always is.

    Args:
        path: a local folder saved with ``save_pretrained`` or an offline
            package name (``'all-MiniLM-L6-v2'``; see ``pretrained.PACKAGES``);
            never a hub name: nothing downloads. The folder must hold the
            tokenizer too (checked: its vocabulary must fit the embeddings).
        config: instead of ``path``, a dict for ``AutoConfig.for_model``
            (e.g. a tiny random BERT); ``tokenizer`` may then name a folder
            whose vocabulary is checked against it.
        num_labels: classes of the (new) classification head; a folder's
            head for another number of classes is replaced by a new one.
        checkpoint: a state dict of this classifier (e.g. the ``best.pth`` of
            tools/nlp/train_classifier.py), loaded with ``weights_only=True``.
    """

    def __init__(self, path=None, config=None, num_labels=2, tokenizer=None,
                 checkpoint=None):
        super().__init__()
        from transformers import AutoConfig, AutoModelForSequenceClassification
        if (path is None) == (config is None):
            raise ValueError('HuggingFaceClassifier needs path=... or config=... '
                             '(exactly one).')
        if path is not None:
            folder = resolve_model_folder(path)
            tok = load_tokenizer(tokenizer or folder)
            saved = AutoConfig.from_pretrained(folder, local_files_only=True)
            # a saved head for another number of classes is replaced by a new one;
            # with a checkpoint that fills the head, transformers' report of a
            # "MISSING, newly initialised" head would only mislead
            with quiet_loading(checkpoint is not None):
                self.hf = AutoModelForSequenceClassification.from_pretrained(
                    folder, num_labels=num_labels, local_files_only=True,
                    ignore_mismatched_sizes=saved.num_labels != num_labels)
        else:
            cfg = AutoConfig.for_model(**dict(dict(num_labels=num_labels), **config))
            self.hf = AutoModelForSequenceClassification.from_config(cfg)
            tok = None if tokenizer is None else load_tokenizer(tokenizer)
        if tok is not None:
            self.check_vocabulary(tok)
        self.sep_token_id = self._pair_separator(tok)
        self.hf.eval()
        self.load_checkpoint(checkpoint)

    def check_vocabulary(self, tokenizer):
        """Refuse a tokenizer whose ids do not all have an embedding row."""
        rows = self.hf.get_input_embeddings().num_embeddings
        if len(tokenizer) > rows:
            raise ValueError(
                f'Tokenizer/model mismatch: the tokenizer has {len(tokenizer)} '
                f'tokens but the model embeds only {rows}: use the tokenizer '
                'saved with these weights.')

    def _segment_table(self):
        table = getattr(self.hf.base_model.embeddings, 'token_type_embeddings', None)
        return table if table is not None and table.num_embeddings > 1 else None

    def _pair_separator(self, tokenizer):
        """The ``[SEP]`` id if the model has segment embeddings and
        ``tokenizer`` types a pair by :meth:`token_type_ids`' rule, else None."""
        sep = getattr(tokenizer, 'sep_token_id', None)
        if sep is None or self._segment_table() is None:
            return None
        enc = tokenizer('a', 'b', return_token_type_ids=True)
        types = self.token_type_ids(torch.tensor([enc['input_ids']]), sep)
        return sep if types[0].tolist() == enc.get('token_type_ids') else None

    def token_type_ids(self, ids, sep_token_id=None):
        """Segments of ``ids (B, L)``: 1 after the first ``[SEP]``, 0 up to
        it and on padding."""
        sep = ids == (self.sep_token_id if sep_token_id is None else sep_token_id)
        after = (sep.cumsum(1) - sep.long()) > 0
        return (after & (ids != self.pad_token_id)).long()

    @property
    def pad_token_id(self):
        return self.hf.config.pad_token_id or 0

    @property
    def max_positions(self):
        return getattr(self.hf.config, 'max_position_embeddings', None)

    def embed(self, ids):
        emb = self.hf.get_input_embeddings()(ids)
        if self.sep_token_id is None:
            return emb
        table = self._segment_table().weight
        return emb + (table[self.token_type_ids(ids)] - table[0])

    def _check_length(self, length):
        if self.max_positions is not None and length > self.max_positions:
            raise ValueError(
                f'A document of {length} tokens is longer than the model\'s '
                f'{self.max_positions} positions: truncate it (the dataset\'s '
                "long_documents='truncate', max_positions=...) or use a method "
                'that splits it into chunks (MaRC, max_length=510).')

    def forward_embeddings(self, emb, padding_mask=None):
        self._check_length(emb.shape[1])
        mask = None if padding_mask is None else padding_mask.long()
        return self.hf(inputs_embeds=emb, attention_mask=mask).logits

    @torch.no_grad()
    def attention_map(self, emb, padding_mask, kind='last'):
        """Attention paid by the first token (``[CLS]``) to every token,
        ``(B, L)``, zero on padding: ``'last'``: the last layer's weights
        averaged over heads; ``'rollout'`` (Abnar & Zuidema, 2020): the
        product over layers of ``(A + I) / 2`` (A averaged over heads, rows
        renormalised), read from the first token."""
        if kind not in ATTENTION_KINDS:
            raise ValueError(f'kind must be one of {ATTENTION_KINDS}, got {kind!r}.')
        self._check_length(emb.shape[1])
        previous = self.hf.config._attn_implementation
        self.hf.set_attn_implementation('eager')  # sdpa returns no weights
        try:
            out = self.hf(inputs_embeds=emb, attention_mask=padding_mask.long(),
                          output_attentions=True)
        finally:
            self.hf.set_attn_implementation(previous)
        heads = [a.float().mean(1) for a in out.attentions]  # (B, L, L) per layer
        if kind == 'last':
            flow = heads[-1]
        else:
            eye = torch.eye(emb.shape[1], device=emb.device)
            flow = eye.expand_as(heads[0])
            for a in heads:
                a = (a + eye) / 2
                flow = (a / a.sum(-1, keepdim=True)) @ flow
        return flow[:, 0] * padding_mask.to(flow.dtype)
