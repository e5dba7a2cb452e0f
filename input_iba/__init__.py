"""input_iba: faithful, readable explanations for image and text classifiers."""
__version__ = '0.1.0'
