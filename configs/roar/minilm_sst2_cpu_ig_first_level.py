# Integrated gradients (10 Gauss-Legendre points, [PAD] baseline) at the first
# level (10%) of the MiniLM CPU study (docs/results/roar.md): IG costs about
# 340 s per level on one CPU thread, 20 times the gradient. Run in a work dir
# whose seed<s>/ and measure folders link to the study's, so
# that only IG's steps are computed:
#   W=work_dirs/roar_minilm_ig_first_level; mkdir -p $W
#   for d in seed0 seed1 seed2 seed3 seed4 random attention gradient input_x_gradient; do
#     ln -s ../roar_minilm_sst2_cpu/$d $W/$d; done
#   python tools/nlp/roar.py CONFIG --work-dir $W
_base_ = ['./minilm_sst2_cpu.py']
measures = dict(
    integrated_gradients=dict(type='IntegratedGradients', steps=10, baseline='pad',
                              reduction='abs_sum', internal_batch_size=64))
roar = dict(ks=[10])
