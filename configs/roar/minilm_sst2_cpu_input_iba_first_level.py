# InputIBA at the first level (10%) of the MiniLM CPU study, beside
# integrated gradients (docs/results/roar.md), on a *light* schedule: the
# GPU config's (minilm_sst2_paper.py: feature bottleneck at layer 3, 5 steps,
# GAN off, input bottleneck 10 steps, prior from the feature mask's mean)
# with one noise copy instead of two, about 250 s per level on one CPU
# thread. Run in the IG first-level work dir (its seed<s>/ and measure
# folders link to the study's; add mutual_information):
#   W=work_dirs/roar_minilm_ig_first_level
#   ln -s ../roar_minilm_sst2_cpu/mutual_information $W/mutual_information
#   python tools/nlp/roar.py CONFIG --work-dir $W
_base_ = ['./minilm_sst2_cpu_ig_first_level.py']
measures = dict(
    input_iba_light=dict(type='InputIBA', layer='hf.bert.encoder.layer.3.output',
                         schedule='published_text', feat_iba=dict(steps=5, copies=1),
                         gan=dict(epochs=0), input_iba=dict(steps=10, copies=1),
                         prior_init='lambda'))
