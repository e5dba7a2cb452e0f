"""Draw the masks of a finished run as one PNG (image | feature | GAN | input).

    python tools/vision/contact_sheet.py CONFIG --work-dir DIR
"""
import argparse

from input_iba.apis import build_dataset, load_config
from input_iba.tools.prologue import ConfigOptions, positive_int
from input_iba.visualization import contact_sheet


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--cfg-options', nargs='+', action=ConfigOptions, default={})
    parser.add_argument('--num-samples', type=positive_int, default=8)
    args = parser.parse_args()
    dataset = build_dataset(load_config(args.config, args.cfg_options).data.attribute)
    items = [dataset[i] for i in range(min(args.num_samples, len(dataset)))]
    if items and 'image' not in items[0]:
        parser.error('the dataset has no images (a text run?): a text run has an HTML page '
                     'per document in input_masks/ instead of a contact sheet.')
    images = {item['name']: item['image'] for item in items}
    print(f'Contact sheet: {contact_sheet(args.work_dir, images)}')


if __name__ == '__main__':
    main()
