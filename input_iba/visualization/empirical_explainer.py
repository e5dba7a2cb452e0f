"""The pictures of an empirical explainer's evaluation
(``tools/evaluate_explainer.py``): target and explainer side by side, and
the target's convergence curve with the explainer's MSE."""
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.utils import atomic_path, save_text  # noqa: E402

from .image import heatmap_overlay, save_png  # noqa: E402
from .text import html_page, token_heatmap_html  # noqa: E402


def save_side_by_side(path_stem, item, target_map, explainer_map):
    """``<stem>.png`` (two heatmap overlays: target left, explainer right) for
    images, ``<stem>.html`` (two token heatmaps) for text."""
    if 'image' in item:
        gap = np.full((item['image'].shape[0], 8, 3), 255, np.uint8)
        save_png(path_stem + '.png', np.concatenate(
            [heatmap_overlay(item['image'], target_map), gap,
             heatmap_overlay(item['image'], explainer_map)], axis=1))
    else:
        body = (token_heatmap_html(item['tokens'], target_map, 'target') +
                token_heatmap_html(item['tokens'], explainer_map, 'empirical explainer'))
        save_text(path_stem + '.html', html_page(body, item['name']))


def plot_convergence(path, curve, explainer_mse, key, label):
    """The target's convergence curve with the explainer's MSE as a line."""
    values = [p['value'] for p in curve]
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.errorbar(values, [p['mse']['mean'] for p in curve],
                yerr=[p['mse']['mean'] - p['mse']['ci95'][0] for p in curve],
                marker='o', capsize=3, label=f'{label} with fewer {key}')
    ax.axhline(explainer_mse, color='tab:red', linestyle='--', label='empirical explainer')
    ax.set_xlabel(key)
    ax.set_ylabel('MSE to the target')
    ax.set_yscale('log')
    ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png', dpi=120)
    plt.close(fig)
