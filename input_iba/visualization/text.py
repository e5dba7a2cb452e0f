"""Token heatmaps as HTML, on a fixed scale: a token's red opacity is its
mask value clipped to [0, 1] (0.5 is half opaque, whatever the document's
maximum), so that documents compare; the words of the human rationale, when
known, are underlined."""
import html
from typing import Optional, Sequence

import numpy as np

from input_iba.registry import VISUALIZERS
from input_iba.utils import save_text

from .captions import class_line

#: the red of text highlights; its opacity is the mask value in [0, 1]
TEXT_RGB = (220, 30, 30)
#: the style of the words of a human rationale (``class="rat"``)
RATIONALE_CSS = '.rat { border-bottom: 2px solid #1a5fd0; }'


def text_colour(value: float) -> str:
    """The CSS colour of a token with mask ``value``: :data:`TEXT_RGB` at
    opacity ``clip(value, 0, 1)``."""
    r, g, b = TEXT_RGB
    return f'rgba({r}, {g}, {b}, {min(max(value, 0.0), 1.0):.3f})'


def token_html(tokens: Sequence[str], values: np.ndarray,
               rationale: Optional[Sequence[int]] = None) -> str:
    """Spans of ``tokens`` coloured by :func:`text_colour` of ``values``
    (the value on hover; a token without a value gets 0), those of the human
    ``rationale`` (1 per rationale token) marked ``class="rat"``."""
    spans = []
    for i, token in enumerate(tokens):
        v = float(values[i]) if i < len(values) else 0.0
        mark = ' class="rat"' if rationale is not None and i < len(rationale) and \
            rationale[i] else ''
        spans.append(f'<span{mark} title="{v:.4f}" style="background:{text_colour(v)}">'
                     f'{html.escape(str(token))}</span>')
    return ' '.join(spans)


def text_legend_html(rationale: bool = True) -> str:
    """The legend of the scale (a row of swatches) and of the rationale mark."""
    swatches = ''.join(f'<td style="background:{text_colour(v)}; padding: 0 6px; '
                       f'border: 1px solid #ddd">{v}</td>' for v in (0, 0.25, 0.5, 0.75, 1))
    mark = ('<td style="border: none">&nbsp;<i class="rat">underlined</i>: human rationale</td>'
            if rationale else '')
    return (f'<table class="legend"><tr><td style="border: none">mask value</td>{swatches}'
            '<td style="border: none">opacity = the value, clipped to [0, 1]</td>'
            f'{mark}</tr></table>')


def token_heatmap_html(tokens: Sequence[str], mask, title: str = '',
                       segment_words: Optional[Sequence[int]] = None,
                       rationale: Optional[Sequence[int]] = None) -> str:
    """An HTML snippet: ``tokens`` coloured by ``mask`` on the fixed scale
    (:func:`text_colour`), the exact value on hover, the human ``rationale``
    underlined. A pair of texts (``segment_words``: the words of each) goes
    on two lines."""
    values = np.asarray(mask, dtype=np.float64)[:len(tokens)]
    first = len(tokens) if segment_words is None else segment_words[0]
    rationale = None if rationale is None else list(rationale)
    body = token_html(tokens[:first], values[:first],
                      None if rationale is None else rationale[:first])
    if first < len(tokens):
        body += '<br>' + token_html(tokens[first:], values[first:],
                                    None if rationale is None else rationale[first:])
    head = f'<h3>{html.escape(title)}</h3>' if title else ''
    return f'<div style="line-height: 1.9">{head}{body}</div>'


def html_page(body: str, title: str = 'input_iba') -> str:
    """A whole HTML page around ``body`` (with the rationale style)."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
            f'{html.escape(title)}</title><style>{RATIONALE_CSS}</style></head><body '
            f'style="font-family: sans-serif; max-width: 60em">{body}</body></html>\n')


@VISUALIZERS.register_module()
class TokenHeatmap:
    """Write ``<stem>.html``: the document's tokens coloured by the mask on
    the fixed scale, under the explained class and its probability (and the
    predicted class when it differs), with the human rationale underlined
    and a legend (the two texts of a pair on two lines)."""

    def __call__(self, path_stem: str, item: dict, mask: np.ndarray, meta: dict) -> None:
        rationale = item.get('rationale')
        body = (f'<p>{html.escape(class_line(meta))}</p>'
                + text_legend_html(rationale is not None)
                + token_heatmap_html(item['tokens'], mask, item['name'],
                                     item.get('segment_words'), rationale))
        save_text(path_stem + '.html', html_page(body, item['name']))
