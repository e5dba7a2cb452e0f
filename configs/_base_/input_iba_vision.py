# InputIBA on images. The schedule is named; each is written once, in
# input_iba/models/attributors/input_iba.py (SCHEDULES):
#   'fast' (default): the GAN's generator is not trained (its mask starts from
#     the feature mask and is the prior), input stage 30 steps x 10 copies;
#     masks as good as the published schedule's (docs/results/speed.md);
#   'published': the reference's VGG16 schedule (methods.md §2).
# Override single settings per stage, e.g. input_iba=dict(steps=60).
attributor = dict(type='InputIBA', schedule='fast')
seed = 0
