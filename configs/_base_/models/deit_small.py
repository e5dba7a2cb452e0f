# timm DeiT-S (224x224, 16-pixel patches: a 14x14 grid + [CLS], 12 blocks of
# (B, 197, 384) tokens; ImageNet normalisation). Weights are never downloaded:
#   torch.save(timm.create_model('deit_small_patch16_224', pretrained=True).state_dict(),
#              'deit_s.pth')
# then --cfg-options model.checkpoint=deit_s.pth
model = dict(type='TimmClassifier', arch='deit_small_patch16_224', checkpoint=None)
pipeline = dict(type='ResizeNormalize', size=(224, 224),
                mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
adapter = dict(type='TokenImageAdapter', prefix_tokens=1,
               pixel_mean=(0.485, 0.456, 0.406), pixel_std=(0.229, 0.224, 0.225))
