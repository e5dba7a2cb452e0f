# The twin of bilstm_wordpiece_sst2_first_level.py whose embedding starts from
# MiniLM's word embedding matrix (trained further, as the reference trains
# its pretrained vectors further); the same ids, data, training and measures.
_base_ = ['./bilstm_wordpiece_sst2_first_level.py']
model = dict(vocab_size=None, embedding_dim=None, pretrained_embeddings='all-MiniLM-L6-v2')
