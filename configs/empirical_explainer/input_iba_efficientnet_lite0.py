# An empirical explainer of InputIBA masks for the ImageNet EfficientNet-Lite0
# (layer blocks.2, the 28x28 stage). InputIBA costs tens of seconds per image
# on a CPU, so this row is small: the 18 shared ImageNet images, each as the
# original and two random crops/flips (54 images; AugmentedCopies), and a very
# light InputIBA schedule (below; the paper's is in configs/input_iba/). Validation
# keeps all copies of an image together. The explainer: a frozen copy of the
# classifier up to blocks.4 (14x14x112) and a two-layer convolutional decoder
# whose mask is upsampled to 224x224. Steps (2-core CPU):
#   python tools/explain_dataset.py configs/empirical_explainer/input_iba_efficientnet_lite0.py \
#       --work-dir work_dirs/ee_input_iba_effnet/targets
#   python tools/train_explainer.py configs/empirical_explainer/input_iba_efficientnet_lite0.py \
#       --work-dir work_dirs/ee_input_iba_effnet
#   python tools/evaluate_explainer.py configs/empirical_explainer/input_iba_efficientnet_lite0.py \
#       --work-dir work_dirs/ee_input_iba_effnet
#   python -m benchmarks.speed.empirical_explainer_speed \
#       configs/empirical_explainer/input_iba_efficientnet_lite0.py \
#       --work-dir work_dirs/ee_input_iba_effnet --num-samples 6
_base_ = ['../_base_/models/efficientnet_lite0.py', '../_base_/input_iba_vision.py']
imagenet = dict(type='ImageNetBoxes', pipeline={{_base_.pipeline}})
data = dict(
    attribute=dict(type='AugmentedCopies', dataset=imagenet, copies=3, seed=0,
                   pipeline={{_base_.pipeline}}),
    estimate=dict(type='AugmentedCopies', dataset=imagenet, copies=4, seed=1,
                  pipeline={{_base_.pipeline}}),
    num_estimation_samples=72,
    estimation_batch_size=16)
# very light InputIBA schedule: feature stage 10 steps x 2 copies; GAN 16
# samples, 2 epochs; input stage 10 steps x 1 copy (the reference: 10 copies,
# GAN 200 samples and 20 epochs, 60 input steps x 10 copies)
attributor = dict(
    layer='blocks.2',
    feat_iba=dict(copies=2),
    gan=dict(dataset_size=16, subset_size=8, batch_size=8, epochs=2),
    input_iba=dict(steps=10, copies=1))
explain = dict(shard_size=9, target='prediction')
# samples attributed together (the target attributor and the explainer)
attribution = dict(batch_size=1)
targets_dir = 'work_dirs/ee_input_iba_effnet/targets'
explainer = dict(layer='blocks.4', feature_dim=112, head='decoder', hidden=64, train_encoder=False)
train = dict(epochs=60, batch_size=8, lr=3e-3, patience=8, rank_weight=0.0,
             val_fraction=0.2)
seed = 0
evaluation = dict(
    # InputIBA with fewer input-stage steps against the 10-step target (the
    # feature stage and the GAN are the same in every run: same seeds)
    convergence=dict(key='input_iba.steps', values=[1, 3, 6], target_value=10),
    curve_samples=4,
    faithfulness=dict(type='InsertionDeletion', pixels_per_step=1792),
    faithfulness_samples=8,
    visuals=8)
visualizer = dict(type='ImageHeatmap')
