# An amortised InputIBA for the ImageNet EfficientNet-Lite0 (issue 31, images).
# The teacher is the default InputIBA of configs/input_iba/efficientnet_lite0_imagenet68.py
# (schedule 'fast', layer blocks.2, statistics of the 68 images, the predicted
# class), run on the 68 ImageNet images with boxes, each as the original and 14
# random crops/flips (AugmentedCopies: 1,020 images, originals first, about 15
# CPU s each). Because the task metrics are scored on those 68 originals, two
# explainers are cross-fitted: val_fold=0 validates on one half of the photos
# (and all their crops) and trains on the other, val_fold=1 the reverse, so that
# every original is predicted by an explainer that never saw its photo.
# The explainer: the frozen classifier up to blocks.4 (14x14x112) with a U-Net
# decoder over blocks.2 (28x28x40) and blocks.1 (56x56x24), trained on MSE plus
# 1 - Pearson r (the order of each mask, not the mean mask). Steps:
#   CFG=configs/empirical_explainer/input_iba_default_efficientnet_lite0.py
#   python tools/explain_dataset.py $CFG --work-dir work_dirs/ee_iiba_effnet_1k/targets
#   for F in 0 1; do
#     python tools/train_explainer.py $CFG --work-dir work_dirs/ee_iiba_effnet_1k/fold$F \
#         --cfg-options train.val_fold=$F
#   done
_base_ = ['../input_iba/efficientnet_lite0_imagenet68.py']
data = dict(
    attribute=dict(_delete_=True, type='AugmentedCopies', copies=15, seed=0,
                   dataset={{_base_.data.attribute}}, pipeline={{_base_.pipeline}}))
explain = dict(shard_size=17, target='prediction')
attribution = dict(batch_size=1)
targets_dir = 'work_dirs/ee_iiba_effnet_1k/targets'
explainer = dict(layer='blocks.4', feature_dim=112, head='unet',
                 skips={'blocks.2': 40, 'blocks.1': 24}, hidden=32, train_encoder=False)
train = dict(epochs=40, batch_size=16, lr=3e-3, patience=6, correlation_weight=1.0,
             val_fraction=0.5, val_fold=0)
evaluation = dict(faithfulness=dict(type='InsertionDeletion', pixels_per_step=1792),
                  faithfulness_samples=16, visuals=8)
