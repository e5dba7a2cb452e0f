# `make demo`: InputIBA on real photos bundled with scikit-image, explained
# with the offline ImageNet EfficientNet-Lite0. A lighter schedule than the
# paper's (fewer noise copies, a shorter GAN and input stage) so that it
# finishes in a few minutes on 2 CPU cores; configs/input_iba/ has the full one.
_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/input_iba_vision.py']
photos = ('chelsea', 'coffee', 'astronaut', 'rocket')
data = dict(
    attribute=dict(type='SkimagePhotos', names=photos),
    # 16 random crops and flips of each photo estimate the layer statistics.
    estimate=dict(type='SkimagePhotos', names=photos, crops_per_photo=16),
    num_estimation_samples=64,
    estimation_batch_size=16)
visualizer = dict(type='ImageHeatmap')
attributor = dict(
    layer='blocks.2',
    feat_iba=dict(copies=5),
    gan=dict(dataset_size=64, subset_size=16, batch_size=16, epochs=5),
    input_iba=dict(steps=30, copies=4))
