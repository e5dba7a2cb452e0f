"""Image datasets: the ImageNet layout with VOC boxes, any image folder,
and real photos bundled with scikit-image."""
import json
import os
import os.path as osp
import xml.etree.ElementTree as ET

import mmcv
import numpy as np

from input_iba.registry import DATASETS
from input_iba.utils import default_data_root, read_text, require_dir

from .augmented import random_crop_flip
from .base import AttributionDataset
from .class_names import as_class_names
from .transforms import build_transform

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')
#: the file of ImageNet's class names in an ImageNet folder (and the data root's ``imagenet/``)
IMAGENET_INDEX = 'imagenet_class_index.json'


def read_voc_boxes(path):
    """``[(wnid, x1, y1, x2, y2), ...]`` from a Pascal-VOC XML file."""
    root = ET.parse(path).getroot()
    boxes = []
    for obj in root.iter('object'):
        bb = obj.find('bndbox')
        coords = [float(bb.find(k).text) for k in ('xmin', 'ymin', 'xmax', 'ymax')]
        boxes.append((obj.find('name').text, *coords))
    return boxes


class _ImageFileDataset(AttributionDataset):
    """Shared loading of ``(name, path, label)`` records."""

    def __init__(self, pipeline=None):
        self.transform = build_transform(pipeline or dict(type='ResizeNormalize'))
        self.records = []

    def __len__(self):
        return len(self.records)

    def sample_name(self, index):
        return self.records[index][0]

    def _boxes(self, index, scales):
        return np.zeros((0, 4), np.float32)

    def __getitem__(self, index):
        name, path, label = self.records[index]
        try:
            image = mmcv.imread(path, channel_order='rgb')
        except Exception as err:  # noqa: BLE001 - cv2 raises several types
            raise OSError(f'unreadable image file {path!r}: {err}') from err
        if image is None:
            raise OSError(f'unreadable image file {path!r}')
        x, resized, scales = self.transform(image)
        return dict(name=name, inputs=x, target=label, image=resized,
                    boxes=self._boxes(index, scales))


@DATASETS.register_module()
class ImageNetBoxes(_ImageFileDataset):
    """ImageNet validation images in the InputIBA/MaRC layout::

        root/images/<split>/*.JPEG, root/annotations/<split>/*.xml,
        root/val_gt.txt ("<file> <class>"), root/imagenet_class_index.json

    Boxes (``boxes``: ``(N, 4)`` x1, y1, x2, y2 on the resized image) are those
    of the target class. Labels come from ``val_gt.txt`` when present.
    ``root=None`` reads ``folder`` (``'imagenet'``; ``'imagenet_dev'`` for the
    development set) under the data root.
    """

    def __init__(self, root=None, split='val', pipeline=None, num_samples=None,
                 folder='imagenet'):
        super().__init__(pipeline)
        self.root = require_dir(root or osp.join(default_data_root(), folder),
                                'ImageNet folder')
        image_dir = require_dir(osp.join(self.root, 'images', split),
                                'ImageNet image folder')
        with open(osp.join(self.root, IMAGENET_INDEX)) as f:
            index = json.load(f)
        self.class_names = [index[str(i)][1] for i in range(len(index))]
        self.wnids = [index[str(i)][0] for i in range(len(index))]
        labels = {}
        gt = osp.join(self.root, 'val_gt.txt')
        if osp.isfile(gt):
            with open(gt) as f:
                for line in f:
                    if line.strip():
                        fname, cls = line.split()
                        labels[osp.splitext(fname)[0]] = int(cls)
        self.annotation_dir = osp.join(self.root, 'annotations', split)
        files = sorted(f for f in os.listdir(image_dir)
                       if f.lower().endswith(IMAGE_EXTENSIONS))
        for fname in files[:num_samples]:
            stem = osp.splitext(fname)[0]
            self.records.append((stem, osp.join(image_dir, fname),
                                 labels.get(stem, -1)))

    def _boxes(self, index, scales):
        name, _, label = self.records[index]
        path = osp.join(self.annotation_dir, name + '.xml')
        if not osp.isfile(path):
            return np.zeros((0, 4), np.float32)
        sx, sy = scales
        boxes = [(x1 * sx, y1 * sy, x2 * sx, y2 * sy)
                 for wnid, x1, y1, x2, y2 in read_voc_boxes(path)
                 if label < 0 or wnid == self.wnids[label]]
        return np.asarray(boxes, np.float32).reshape(-1, 4)


def read_labels(path):
    """``{image name: class}`` from a text file of ``<file> <class>`` lines;
    a line that is not that, or a class below 0, is an error naming the file
    and the line."""
    known = {}
    for number, line in enumerate(read_text(path).split('\n'), 1):
        if not line.strip():
            continue
        parts = line.strip().rsplit(None, 1)  # a file name may hold spaces
        if len(parts) != 2 or not parts[1].lstrip('-').isdigit() or int(parts[1]) < 0:
            raise ValueError(f'{path}, line {number}: {line.strip()!r} is not `<file> '
                             '<class>` with a class >= 0 (leave an image out of the file '
                             'to explain its prediction).')
        known[osp.splitext(osp.basename(parts[0]))[0]] = int(parts[1])
    return known


@DATASETS.register_module()
class ImageFolder(_ImageFileDataset):
    """Every image file in ``root`` (sorted). Optional ``labels``: a text file
    of ``<file> <class>`` lines; images without a label explain the prediction.
    Optional ``class_names``: the model's class names by index (a list, or a
    file: an ImageNet-style index such as ImageNet's ``imagenet_class_index.json``,
    a JSON list, or one name a line), shown in ``meta/*.json`` and the report."""

    def __init__(self, root, labels=None, pipeline=None, num_samples=None, class_names=None):
        super().__init__(pipeline)
        self.class_names = as_class_names(class_names)
        require_dir(root, 'Image folder')
        known = read_labels(labels) if labels else {}
        files = sorted(f for f in os.listdir(root)
                       if f.lower().endswith(IMAGE_EXTENSIONS))
        if not files:
            raise FileNotFoundError(f'No images ({", ".join(IMAGE_EXTENSIONS)}) '
                                    f'in {root!r}.')
        for fname in files[:num_samples]:
            stem = osp.splitext(fname)[0]
            self.records.append((stem, osp.join(root, fname), known.get(stem, -1)))


@DATASETS.register_module()
class SkimagePhotos(AttributionDataset):
    """Real photos bundled with scikit-image (no download), e.g. ``chelsea``,
    ``coffee``, ``astronaut``, ``rocket``. Targets: the prediction, unless
    ``labels`` maps a name to a class.

    ``crops_per_photo > 1`` adds that many random crops (half to full size,
    random flips; fixed by ``seed``) of each photo: a small but varied
    estimation set for the layer statistics when no dataset is at hand.

    ``class_names``: the model's class names (as for :class:`ImageFolder`);
    by default ImageNet's, from ``imagenet/imagenet_class_index.json`` under
    the data root when it is there (the photos are meant for ImageNet models),
    else none.
    """

    def __init__(self, names=('chelsea', 'coffee', 'astronaut', 'rocket'),
                 labels=None, pipeline=None, crops_per_photo=1, seed=0, class_names=None):
        import skimage.data
        if class_names is None:
            index = osp.join(default_data_root(), 'imagenet', IMAGENET_INDEX)
            class_names = index if osp.isfile(index) else None
        self.class_names = as_class_names(class_names)
        self.names = list(names)
        for n in self.names:
            if not hasattr(skimage.data, n):
                raise ValueError(f'skimage.data has no photo {n!r}.')
        self.labels = labels or {}
        self.transform = build_transform(pipeline or dict(type='ResizeNormalize'))
        self.crops_per_photo = crops_per_photo
        self.seed = seed

    def __len__(self):
        return len(self.names) * self.crops_per_photo

    def sample_name(self, index):
        name = self.names[index // self.crops_per_photo]
        crop = index % self.crops_per_photo
        return f'{name}_crop{crop}' if crop else name

    def _crop(self, image, index):
        return random_crop_flip(image, np.random.default_rng([self.seed, index]))

    def __getitem__(self, index):
        import skimage.data
        name = self.names[index // self.crops_per_photo]
        image = getattr(skimage.data, name)()
        if index % self.crops_per_photo:
            image = self._crop(image, index)
        x, resized, _ = self.transform(image)
        return dict(name=self.sample_name(index), inputs=x,
                    target=self.labels.get(name, -1), image=resized,
                    boxes=np.zeros((0, 4), np.float32))
