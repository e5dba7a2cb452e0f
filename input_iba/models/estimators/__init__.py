from .welford import WelfordEstimator

__all__ = ['WelfordEstimator']
