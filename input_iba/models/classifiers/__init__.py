from .vision_builders import (EfficientNetLite0, TimmClassifier,
                              TorchvisionClassifier)

__all__ = ['EfficientNetLite0', 'TimmClassifier', 'TorchvisionClassifier']
