# MaRC on the shared ImageNet images with EfficientNet-Lite0, with the
# reference's defaults for CNNs (methods.md §3; docs/marc.md): per-pixel
# kernels in a 41x41 window, black, white and mean baselines, Adam lr 3e-2,
# TV weight 10, at most 7500 steps with the moving-average stopping rule.
# About 4 s per step on a CPU core at grid_stride=1: on a CPU use
#   --cfg-options attributor.grid_stride=4
#   python tools/vision/train.py configs/marc/efficientnet_lite0_imagenet.py \
#       --work-dir work_dirs/marc_effnet
_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/datasets/imagenet_boxes.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
attributor = dict(type='MaRC')
