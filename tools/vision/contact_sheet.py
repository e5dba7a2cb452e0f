"""Draw the masks of a finished run as one PNG (image | feature | GAN | input).

    python tools/vision/contact_sheet.py CONFIG --work-dir DIR
"""
import argparse

from mmengine.config import DictAction

from input_iba.apis import build_dataset, load_config
from input_iba.visualization import contact_sheet


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    parser.add_argument('--num-samples', type=int, default=8)
    args = parser.parse_args()
    dataset = build_dataset(load_config(args.config, args.cfg_options).data.attribute)
    count = min(args.num_samples, len(dataset))
    images = {dataset.sample_name(i): dataset[i]['image'] for i in range(count)}
    print(f'Contact sheet: {contact_sheet(args.work_dir, images)}')


if __name__ == '__main__':
    main()
