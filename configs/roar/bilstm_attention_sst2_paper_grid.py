# The paper's masking grid (every 10% of the tokens) for the three measures
# whose order the 4-level study reverses against the paper (attention,
# integrated gradients with 50 points) and random, with the GPU study's data
# and training (bilstm_attention_sst2_gpu.py). It tests whether the coarse
# 4-level grid is why attention beats integrated gradients
# (docs/results/roar.md). One seed fits in about an hour on one CPU thread:
#   python tools/nlp/roar.py configs/roar/bilstm_attention_sst2_paper_grid.py \
#       --work-dir work_dirs/roar_sst2_paper_grid --cfg-options "roar.seeds=[0]"
_base_ = ['./bilstm_attention_sst2_paper.py']
measures = dict(_delete_=True,
                random={{_base_.measures.random}},
                attention={{_base_.measures.attention}},
                integrated_gradients={{_base_.measures.integrated_gradients}})
