# Does a pretrained embedding flip the order of attention and integrated
# gradients in Recursive ROAR (docs/results/roar.md)? The reference's BiLSTM
# starts from pretrained word vectors; ours from random ones. The first level
# (10%) of bilstm_attention_sst2_10_levels_cpu.py (same rows, training,
# masking) with the sentences tokenised by MiniLM's WordPiece, so that a
# pretrained embedding exists offline: this config starts the embedding
# random (384 wide, MiniLM's 30,522 ids); its twin
# bilstm_wordpiece_pretrained_sst2_first_level.py starts it from MiniLM's
# word embedding matrix. Nothing else differs between the two.
_base_ = ['./bilstm_attention_sst2_10_levels_cpu.py']
wordpiece = dict(tokenizer='all-MiniLM-L6-v2', max_positions=64, long_documents='truncate')
data = dict(train=wordpiece, val=wordpiece, test=wordpiece)
model = dict(vocab_size=30522, embedding_dim=384)
measures = dict(
    _delete_=True,
    random=dict(type='Random'),
    attention=dict(type='Attention'),
    integrated_gradients=dict(type='IntegratedGradients', steps=10, reduction='abs_sum'))
roar = dict(ks=[10], seeds=[0, 1, 2, 3, 4])
