# Every image attributor x every affordable image metric on the 18 shared
# ImageNet images with EfficientNet-Lite0, on one thread of a shared 2-core CPU
# in about an hour (docs/results/vision.md, "Every method, every metric").
# The costly methods and metrics run named light settings, each noted below
# with the published one; InputIBA keeps its default schedule ('fast').
#   OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 python tools/vision/compare.py \
#       configs/compare/efficientnet_lite0_imagenet_all.py \
#       --work-dir work_dirs/compare_efficientnet_lite0_all
# Methods run in this order, each resumable in <work-dir>/<method>; InputIBA
# is last. Delete <work-dir>/InputIBA and re-run the command to recompute its
# row alone (the other methods' masks and scores are reused).
_base_ = ['./efficientnet_lite0_imagenet.py']
methods = dict(
    _delete_=True,
    Random=dict(type='Random'),
    Saliency=dict(type='Saliency'),
    InputXGradient=dict(type='InputXGradient'),
    # EfficientNet-Lite0's activations are ReLU6: Guided Backprop (also in
    # Guided Grad-CAM) and DeepLift run each as ReLU modules with the same
    # output, which Captum's guided and rescale rules see (module_forward.py)
    GuidedBackprop=dict(type='GuidedBackprop'),
    GradCAM=dict(type='GradCAM', layer='bn2'),
    GuidedGradCAM=dict(type='GuidedGradCAM', layer='bn2'),
    GradCAMPlusPlus=dict(type='GradCAMPlusPlus', layer='bn2'),
    LayerCAM=dict(type='LayerCAM', layer='bn2'),
    DeepLift=dict(type='DeepLift'),
    DeepLiftShap=dict(type='DeepLiftShap'),
    # 10 noisy copies / baseline draws (published: 50 and 20)
    SmoothGrad=dict(type='SmoothGrad', samples=10),
    GradientShap=dict(type='GradientShap', samples=10),
    # 16 Gauss-Legendre points (published: 50)
    IntegratedGradients=dict(type='IntegratedGradients', steps=16),
    # 48x48 patches every 24 pixels: 81 passes (common: 16x16 every 8, 729)
    Occlusion=dict(type='Occlusion', window=48, stride=24),
    # 28x28 cells, an 8x8 grid (default 16x16 cells: 196 passes)
    FeatureAblation=dict(type='FeatureAblation', cell=28),
    # 8x8 cells of 28x28 pixels and 128 coalitions (default: 196 cells, 1000)
    KernelShap=dict(type='KernelShap', cell=28, samples=128),
    Lime=dict(type='Lime', cell=28, samples=128),
    # 192 masks (published: 4000 for ResNet50)
    RISE=dict(type='RISE', num_masks=192),
    # the 192 channels of blocks.5, 7x7 (one pass each; bn2 would need 1280)
    ScoreCAM=dict(type='ScoreCAM', layer='blocks.5'),
    IBA=dict(type='IBA', layer='blocks.2', beta=10.0),
    # the published schedule compressed 16x in time: 50 steps (published:
    # 800) at 16x the learning rate, the area weight growing 1.0035**16 per step
    ExtremalPerturbation=dict(type='ExtremalPerturbation', steps=50, lr=0.16,
                              area_weight_growth=1.0035**16),
    # one blurred baseline, an 8-pixel mask grid, 40 steps (published: the
    # black, white and mean baselines, per pixel, 250 to 7500 steps)
    MaRC=dict(type='MaRC', baselines=('blur', ), grid_stride=8, max_steps=40,
              min_steps=40),
    InputIBA=dict(type='InputIBA', layer='blocks.2'),
)
# Not here: max-sensitivity, local Lipschitz, random-logit and the sanity check
# re-run the attributor on every image (10+ times for the robustness metrics);
# ROAD costs 1.9 s per image and method even at two fractions (one sparse
# imputation solve per fraction and order), a third of the whole evaluation:
# run it on the saved masks with tools/vision/evaluate.py where it matters.
metrics = ['insertion_deletion', 'ehr', 'pointing_game', 'sensitivity_n',
           'faithfulness_correlation', 'monotonicity', 'degradation',
           'background_faithfulness', 'sparseness', 'complexity']
# Light evaluation (published settings in brackets): insertion/deletion 7,168
# pixels per step, 8 points per curve [224]; sensitivity-N 10 subsets at
# N = 1,000 and 10,000 [100 subsets at 20 sizes]; faithfulness correlation 10
# subsets of 224 pixels [100]; monotonicity 7,168 pixels per step [224];
# MoRF/LeRF degradation 16-pixel tiles, 49 per step [8-pixel tiles, 8];
# MaRC-style comprehensiveness and sufficiency at 20% of the pixels [5, 10,
# 20, 50%] over black, white, mean and blurred images. Measured: about 3.7 s per image and method
# under load.
evaluation = dict(
    insertion_deletion=dict(pixels_per_step=7168),
    sensitivity_n=dict(num_subsets=10, ns=[1000, 10000]),
    faithfulness_correlation=dict(num_subsets=10),
    monotonicity=dict(positions_per_step=7168),
    degradation=dict(tile=16, tiles_per_step=49),
    background_faithfulness=dict(fractions=(0.2, )))
figure_samples = 4
paired_reference = 'InputIBA'
