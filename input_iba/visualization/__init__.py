from .contact_sheet import contact_sheet
from .image import ImageHeatmap, heatmap_overlay, save_png

__all__ = ['contact_sheet', 'ImageHeatmap', 'heatmap_overlay', 'save_png']
