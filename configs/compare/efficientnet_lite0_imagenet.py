# InputIBA against the baselines on the 18 shared ImageNet images with
# EfficientNet-Lite0. The InputIBA and Extremal Perturbation schedules are
# lighter than published so that the whole comparison runs on a 2-core CPU
# (see docs/results.md); --cfg-options methods.InputIBA.gan.epochs=20 ... for more.
_base_ = ['../_base_/models/efficientnet_lite0.py',
          '../_base_/datasets/imagenet_boxes.py']
data = dict(attribute=dict(pipeline={{_base_.pipeline}}),
            estimate=dict(pipeline={{_base_.pipeline}}))
adapter = {{_base_.adapter}}
methods = dict(
    InputIBA=dict(type='InputIBA', layer='blocks.2', adapter=adapter,
                  feat_iba=dict(copies=5),
                  gan=dict(dataset_size=64, subset_size=16, batch_size=16, epochs=5),
                  input_iba=dict(steps=30, copies=4)),
    IBA=dict(type='IBA', layer='blocks.2', adapter=adapter, beta=10.0),
    ExtremalPerturbation=dict(type='ExtremalPerturbation', adapter=adapter,
                              steps=300),
    GradCAM=dict(type='GradCAM', layer='blocks.5', adapter=adapter),
    IntegratedGradients=dict(type='IntegratedGradients', adapter=adapter),
    Saliency=dict(type='Saliency', adapter=adapter),
    Random=dict(type='Random', adapter=adapter),
)
metrics = ['insertion_deletion', 'ehr', 'pointing_game', 'sensitivity_n']
# Coarse evaluation so that the table fits a 2-core CPU in half an hour:
# 1,792 pixels (8 rows) per insertion/deletion step (29 points per curve),
# sensitivity-N with 10 subsets at N = 100, 1,000 and 10,000.
evaluation = dict(insertion_deletion=dict(pixels_per_step=1792),
                  sensitivity_n=dict(num_subsets=10, ns=[100, 1000, 10000]))
figure_samples = 4
