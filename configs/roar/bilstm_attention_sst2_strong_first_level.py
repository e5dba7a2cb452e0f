# Is the order of attention and integrated gradients in Recursive ROAR a
# matter of model strength? The first level (10%) of
# bilstm_attention_sst2_10_levels_cpu.py with the strong BiLSTM-attention:
# trained on all 60,614 GLUE SST-2 training rows (phrases included) for 2
# epochs, as in docs/results/text_classifiers.md (0.839 test accuracy),
# instead of 6,920 rows with at least 10 tokens (about 0.73). The same
# validation and test sentences, measures and masking; two seeds (CPU).
# docs/results/roar.md compares the two models' first levels.
_base_ = ['./bilstm_attention_sst2_10_levels_cpu.py']
data = dict(train=dict(num_samples=None, min_tokens=1))
train = dict(epochs=2)
roar = dict(ks=[10], seeds=[0, 1])
