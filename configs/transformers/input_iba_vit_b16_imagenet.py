# InputIBA on a vision transformer: the feature stage at block 6 as in
# iba_vit_b16_imagenet.py; the GAN's critic reads the (197, D) tokens as a
# sequence (RecurrentCritic, the adapter's default).
_base_ = ['../_base_/models/vit_b16.py', '../_base_/datasets/imagenet_boxes.py',
          '../_base_/input_iba_vision.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
attributor = dict(layer='blocks.6', adapter={{_base_.adapter}})
