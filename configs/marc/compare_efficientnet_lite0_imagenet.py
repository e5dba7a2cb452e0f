# MaRC next to InputIBA and Integrated Gradients on the shared ImageNet images
# (EfficientNet-Lite0), scored by insertion/deletion and EHR with the coarse
# evaluation settings of configs/compare/efficientnet_lite0_imagenet.py.
# MaRC's schedule is cut to fit a shared 2-core CPU (docs/results/marc.md): one
# blur baseline instead of three, a 4-pixel mask grid, at most 150 steps (the
# reference: at least 250, up to 7500).
# Images: the first four and the six whose boxes cover at most a third of the
# image (EHR skips the others).
#   python tools/vision/compare.py configs/marc/compare_efficientnet_lite0_imagenet.py \
#       --work-dir work_dirs/marc_compare_effnet
_base_ = ['../compare/efficientnet_lite0_imagenet.py']
data = dict(attribute=dict(_delete_=True, type='Subset', indices=[0, 1, 2, 3, 4, 7, 8, 10, 13, 14],
                           dataset={{_base_.data.attribute}}))
methods = dict(
    _delete_=True,
    MaRC=dict(type='MaRC', baselines=('blur', ),
              grid_stride=4, max_steps=150, min_steps=100),
    InputIBA={{_base_.methods.InputIBA}},
    IntegratedGradients={{_base_.methods.IntegratedGradients}})
metrics = ['insertion_deletion', 'ehr']
