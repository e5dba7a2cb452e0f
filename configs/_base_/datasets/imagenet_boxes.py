# The ImageNet layout of the InputIBA/MaRC seeds (images/val, annotations/val,
# val_gt.txt, imagenet_class_index.json). root=None: $INPUT_IBA_DATA_ROOT/imagenet,
# else ../shared/data/imagenet beside the checkout. Override with
# --cfg-options data.attribute.root=... data.estimate.root=...
data = dict(
    attribute=dict(type='ImageNetBoxes', root=None, split='val'),
    estimate=dict(type='ImageNetBoxes', root=None, split='val'),
    num_estimation_samples=1000,
    estimation_batch_size=16)
visualizer = dict(type='ImageHeatmap')
