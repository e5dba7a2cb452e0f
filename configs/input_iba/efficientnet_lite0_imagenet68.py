# InputIBA (default schedule) on the 68 ImageNet images with boxes and reference
# masks (imagenet/ + imagenet_dev/), estimation on the same 68: the setting of
# benchmarks/quality/input_iba_quality.py and of docs/results/input_iba_quality.md.
_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/datasets/imagenet_dev_boxes.py',
          '../_base_/input_iba_vision.py']
attributor = dict(layer='blocks.2')
_images = [dict(type='ImageNetBoxes', root=None, folder='imagenet', split='val',
                pipeline={{_base_.pipeline}}),
           dict(type='ImageNetBoxes', root=None, folder='imagenet_dev', split='val',
                pipeline={{_base_.pipeline}})]
data = dict(attribute=dict(datasets=_images), estimate=dict(datasets=_images))
