# timm ViT-B/16 (224x224, 16-pixel patches: a 14x14 grid + [CLS], 12 blocks of
# (B, 197, 768) tokens). Weights are never downloaded: save them once with
#   torch.save(timm.create_model('vit_base_patch16_224', pretrained=True).state_dict(),
#              'vit_b16.pth')
# on a machine with network access and pass --cfg-options model.checkpoint=vit_b16.pth
model = dict(type='TimmClassifier', arch='vit_base_patch16_224', checkpoint=None)
pipeline = dict(type='ResizeNormalize', size=(224, 224), mean=(0.5, 0.5, 0.5),
                std=(0.5, 0.5, 0.5))
adapter = dict(type='TokenImageAdapter', prefix_tokens=1, pixel_mean=(0.5, 0.5, 0.5),
               pixel_std=(0.5, 0.5, 0.5))
