"""Token heatmaps as HTML."""
import html

import numpy as np

from input_iba.registry import VISUALIZERS
from input_iba.utils import save_text


def token_heatmap_html(tokens, mask, title='', segment_words=None):
    """An HTML snippet: each token on a red background whose opacity is its
    mask value scaled by the maximum; the exact value shows on hover. A pair
    of texts (``segment_words``: the words of each) goes on two lines."""
    values = np.asarray(mask, dtype=np.float64)[:len(tokens)]
    top = values.max() if values.size and values.max() > 0 else 1.0
    spans = [
        f'<span title="{v:.4f}" style="background: rgba(220, 30, 30, '
        f'{max(v, 0) / top:.3f})">{html.escape(t)}</span>'
        for t, v in zip(tokens, values)]
    first = len(spans) if segment_words is None else segment_words[0]
    body = " ".join(spans[:first]) + ('<br>' + " ".join(spans[first:])
                                      if first < len(spans) else '')
    head = f'<h3>{html.escape(title)}</h3>' if title else ''
    return f'<div style="line-height: 1.9">{head}{body}</div>'


def html_page(body, title='input_iba'):
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
            f'{html.escape(title)}</title></head><body style="font-family: '
            f'sans-serif; max-width: 60em">{body}</body></html>\n')


@VISUALIZERS.register_module()
class TokenHeatmap:
    """Write ``<stem>.html``: the document's tokens coloured by the mask
    (the two texts of a pair on two lines)."""

    def __call__(self, path_stem, item, mask):
        body = token_heatmap_html(item['tokens'], mask, item['name'],
                                  item.get('segment_words'))
        save_text(path_stem + '.html', html_page(body, item['name']))
