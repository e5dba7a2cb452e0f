from .bilstm_attention import BiLSTMAttention
from .deep_lstm import DeepLSTM
from .huggingface import HuggingFaceClassifier
from .text_base import PaddedLSTM, TextClassifier
from .vision_builders import EfficientNetLite0, TimmClassifier, TorchvisionClassifier

__all__ = ['EfficientNetLite0', 'TimmClassifier', 'TorchvisionClassifier',
           'BiLSTMAttention', 'DeepLSTM', 'HuggingFaceClassifier', 'PaddedLSTM',
           'TextClassifier']
