# The GPU study (bilstm_attention_sst2_gpu.py) on the paper's grid: Recursive
# ROAR at every 10% of the tokens (10 ... 100%), 5 seeds, every measure of the
# paper (random, mutual information, attention, gradient, input x gradient,
# integrated gradients with 50 points) and InputIBA with the GPU config's
# moderate schedule. Not yet run (docs/results/roar.md has the 4-level GPU
# study and the 10-level CPU studies of the BiLSTM and MiniLM).
_base_ = ['./bilstm_attention_sst2_gpu.py']
# batches bucketed by length: the same steps with little padding (faster)
train = dict(bucket=50)
roar = dict(ks=[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], seeds=[0, 1, 2, 3, 4])
