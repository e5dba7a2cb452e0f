"""Hugging Face sequence classifiers behind the text-classifier interface."""
import os.path as osp

from input_iba.registry import MODELS

from .text_base import TextClassifier


@MODELS.register_module()
class HuggingFaceClassifier(TextClassifier):
    """A ``transformers`` sequence classifier, called with ``inputs_embeds``.

    ``embed`` returns only the *word* embeddings: the model adds position
    (and token type) embeddings itself, so masks act on words alone and
    positions are never added twice.

    Args:
        path: a local folder saved with ``save_pretrained`` (never a hub name:
            nothing downloads), or
        config: a dict for ``AutoConfig.for_model`` (e.g. a tiny random BERT).
    """

    def __init__(self, path=None, config=None):
        super().__init__()
        from transformers import AutoConfig, AutoModelForSequenceClassification
        if path is not None:
            if not osp.isdir(path):
                raise FileNotFoundError(
                    f'{path!r} is not a local model folder: save one with '
                    'model.save_pretrained(path) where a network is available.')
            self.hf = AutoModelForSequenceClassification.from_pretrained(
                path, local_files_only=True)
        elif config is not None:
            cfg = AutoConfig.for_model(**config)
            self.hf = AutoModelForSequenceClassification.from_config(cfg)
        else:
            raise ValueError('HuggingFaceClassifier needs path=... or config=...')

    @property
    def pad_token_id(self):
        return self.hf.config.pad_token_id or 0

    def embed(self, ids):
        return self.hf.get_input_embeddings()(ids)

    def forward_embeddings(self, emb, padding_mask=None):
        mask = None if padding_mask is None else padding_mask.long()
        return self.hf(inputs_embeds=emb, attention_mask=mask).logits
