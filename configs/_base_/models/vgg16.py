# torchvision VGG16. Weights are never downloaded: save them once with
#   torch.save(torchvision.models.vgg16(weights='DEFAULT').state_dict(), 'vgg16.pth')
# on a machine with network access and pass --cfg-options model.checkpoint=vgg16.pth
model = dict(type='TorchvisionClassifier', arch='vgg16', checkpoint=None)
pipeline = dict(type='ResizeNormalize', size=(224, 224),
                mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
