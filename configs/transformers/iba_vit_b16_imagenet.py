# IBA on a vision transformer: the bottleneck acts on every token of block 6
# ([CLS] included, so no information bypasses it); the patch tokens' bits
# make the map. Statistics from data.estimate (1000 images by default).
_base_ = ['../_base_/models/vit_b16.py', '../_base_/datasets/imagenet_boxes.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
attributor = dict(type='IBA', layer='blocks.6', adapter={{_base_.adapter}})
seed = 0
