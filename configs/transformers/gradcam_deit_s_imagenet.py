# Grad-CAM on a vision transformer: the patch tokens of the input of the last
# block's attention ('blocks.11.norm1'; the last block's own output reaches
# the head only through [CLS]), reshaped to the 14x14 grid by TokenImageAdapter.
#   python tools/vision/train.py configs/transformers/gradcam_deit_s_imagenet.py \
#       --work-dir work_dirs/gradcam_deit_s --cfg-options model.checkpoint=deit_s.pth
_base_ = ['../_base_/models/deit_small.py', '../_base_/datasets/imagenet_boxes.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
attributor = dict(type='GradCAM', layer='blocks.11.norm1', adapter={{_base_.adapter}})
seed = 0
