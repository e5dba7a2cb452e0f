# The comparison of efficientnet_lite0_imagenet.py with the published
# schedules of the three optimised methods, for a GPU (docs/results/vision.md;
# on one H100 their attribution takes about a minute for the 18 images):
# InputIBA as in the reference (feature stage 10 steps x 10 copies, GAN 200
# samples x 20 epochs, input stage 60 steps x 10 copies), Extremal
# Perturbations with TorchRay's 800 steps at lr 0.01, integrated gradients
# with 50 points. The other methods and the evaluation are unchanged.
_base_ = ['./efficientnet_lite0_imagenet.py']
methods = dict(
    IntegratedGradients=dict(steps=50),
    InputIBA=dict(_delete_=True, type='InputIBA', layer='blocks.2', schedule='published'),
    ExtremalPerturbation=dict(steps=800, lr=0.01, area_weight_growth=1.0035))
attribution = dict(batch_size=dict(ExtremalPerturbation=18, IntegratedGradients=18,
                                  InputIBA=6))
