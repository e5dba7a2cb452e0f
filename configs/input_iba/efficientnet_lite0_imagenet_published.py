# InputIBA with the reference's published VGG16 schedule (feature stage 10
# steps x 10 copies, WGAN 200 samples x 20 epochs, input stage 60 steps x 10
# copies): about 10x the cost of the default 'fast' schedule for masks of the
# same quality (docs/results/speed.md).
_base_ = ['./efficientnet_lite0_imagenet.py']
attributor = dict(schedule='published')
