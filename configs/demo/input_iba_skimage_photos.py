# `make demo`: InputIBA on real photos bundled with scikit-image, explained
# with the offline ImageNet EfficientNet-Lite0 and the default 'fast' schedule
# (about 25 CPU seconds per photo; configs/input_iba/*_published.py has the
# reference's schedule).
_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/input_iba_vision.py']
photos = ('chelsea', 'coffee', 'astronaut', 'rocket')
data = dict(
    attribute=dict(type='SkimagePhotos', names=photos),
    # 16 random crops and flips of each photo estimate the layer statistics.
    estimate=dict(type='SkimagePhotos', names=photos, crops_per_photo=16),
    num_estimation_samples=64,
    estimation_batch_size=16)
visualizer = dict(type='ImageHeatmap')
attributor = dict(layer='blocks.2')
