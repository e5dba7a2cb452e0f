# The 68 ImageNet validation images with boxes and reference masks: the 18 of
# imagenet/ and the 50 of imagenet_dev/ (../shared/data/README.md). Choose
# defaults on these; other images are kept aside to check them.
_images = [dict(type='ImageNetBoxes', root=None, split='val'),
           dict(type='ImageNetBoxes', root=None, folder='imagenet_dev', split='val')]
data = dict(
    attribute=dict(type='ConcatDatasets', datasets=_images),
    estimate=dict(type='ConcatDatasets', datasets=_images),
    num_estimation_samples=68,
    estimation_batch_size=16)
visualizer = dict(type='ImageHeatmap')
