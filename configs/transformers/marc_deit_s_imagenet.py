# MaRC on a vision transformer with the reference's ViT settings: a strongly
# blurred image as the only baseline (the adapter's default) and sparsity
# weight 0.25 (CNNs: 0.6). On a CPU add --cfg-options attributor.grid_stride=4.
_base_ = ['../_base_/models/deit_small.py', '../_base_/datasets/imagenet_boxes.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
attributor = dict(type='MaRC', adapter={{_base_.adapter}}, area_weight=0.25)
seed = 0
