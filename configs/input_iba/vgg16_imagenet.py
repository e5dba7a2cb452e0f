_base_ = ['../_base_/models/vgg16.py', '../_base_/datasets/imagenet_boxes.py',
          '../_base_/input_iba_vision.py']
attributor = dict(layer='features.17')
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
