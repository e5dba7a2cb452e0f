from .contact_sheet import contact_sheet
from .image import ImageHeatmap, heatmap_overlay, save_png
from .mask_grid import mask_grid
from .text import TokenHeatmap, html_page, token_heatmap_html

__all__ = ['contact_sheet', 'mask_grid', 'ImageHeatmap', 'heatmap_overlay', 'save_png',
           'TokenHeatmap', 'html_page', 'token_heatmap_html']
