# The SST-2 classifier that the Integrated-Gradients explainer row explains:
# the BiLSTM with additive attention, narrowed (64-d embeddings, 64 units per
# direction) and trained on the first 20,000 GLUE training sentences, so that
# it trains in minutes on a 2-core CPU:
#   python tools/nlp/train_classifier.py configs/empirical_explainer/bilstm_sst2_classifier.py \
#       --work-dir work_dirs/ee_sst2_classifier
_base_ = ['../text/bilstm_attention_sst2.py']
model = dict(embedding_dim=64, hidden_dim=64, attention_dim=64)
data = dict(train=dict(num_samples=20000), val=dict(num_samples=1000))
train = dict(epochs=3, batch_size=32)
