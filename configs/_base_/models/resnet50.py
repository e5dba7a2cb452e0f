# torchvision ResNet50; provide local weights with model.checkpoint=... (see vgg16.py).
model = dict(type='TorchvisionClassifier', arch='resnet50', checkpoint=None)
pipeline = dict(type='ResizeNormalize', size=(224, 224),
                mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
# batch norm folded into the convolutions of the frozen model (same logits to
# ~1e-5, faster); the builder adds the pipeline's normalisation
adapter = dict(type='ImageAdapter', fold_batchnorm=True)
