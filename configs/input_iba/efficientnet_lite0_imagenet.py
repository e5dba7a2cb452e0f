_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/datasets/imagenet_boxes.py',
          '../_base_/input_iba_vision.py']
attributor = dict(layer='blocks.2')
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
