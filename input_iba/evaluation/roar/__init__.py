"""Recursive ROAR."""
from .masking import mask_top_tokens, tokens_to_mask
from .racu import racu, racu_with_ci
from .report import cost_table, curve_table, plot_curves, summarise
from .study import MaskedTokens, RoarStudy, compute_importance

__all__ = ['mask_top_tokens', 'tokens_to_mask', 'racu', 'racu_with_ci', 'cost_table', 'curve_table',
           'plot_curves', 'summarise', 'MaskedTokens', 'RoarStudy', 'compute_importance']
