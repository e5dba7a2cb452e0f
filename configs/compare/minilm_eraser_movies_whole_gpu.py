# The text table at full strength, for a GPU (issue 30): all 200 ERASER
# validation reviews, whole, every method at the schedule its authors or the
# MaRC authors ran: Occlusion sliding by 1, Shapley value sampling with 15
# orders per chunk (as the MaRC authors ran Captum's), and InputIBA's
# published text schedule (GAN on, 10 noise copies, 10 + 30 steps) beside
# the CPU's light one. Run by benchmarks/text/gpu_whole_documents.sh in
# slices of device time; a rerun resumes where the last one stopped.
_base_ = ['./minilm_eraser_movies_whole.py']
layer = 'hf.bert.encoder.layer.3.output'
data = dict(attribute=dict(step=1))
methods = dict(
    Occlusion=dict(stride=1),
    ShapleySampling=dict(type='ShapleyValueSampling', n_samples=15,
                         internal_batch_size=64),
    InputIBAPublished=dict(type='InputIBA', layer=layer, schedule='published_text',
                           prior_init='lambda'),
)
attribution = dict(batch_size=4)
