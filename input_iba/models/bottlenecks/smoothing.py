"""Gaussian smoothing of masks over space (images) or positions (text)."""
import math

import torch
import torch.nn.functional as F


def gaussian_kernel1d(sigma, dtype=torch.float32, device=None):
    """Normalised 1D Gaussian of size ``2 * round(2 * sigma) + 1``."""
    radius = int(round(2 * sigma))
    pos = torch.arange(-radius, radius + 1, dtype=dtype, device=device)
    kernel = torch.exp(-pos**2 / (2 * sigma**2))
    return kernel / kernel.sum()


def smooth2d(x, sigma):
    """Smooth ``(B, C, H, W)`` per channel with a Gaussian (reflect padding).

    The 2D Gaussian is separable, so two 1D passes give the same result as
    one 2D kernel at a fraction of the cost.
    """
    if not sigma:
        return x
    kernel = gaussian_kernel1d(sigma, x.dtype, x.device)
    radius = kernel.numel() // 2
    b, c, h, w = x.shape
    if radius >= min(h, w):
        raise ValueError(f'Smoothing sigma {sigma} is too wide for a {h}x{w} '
                         'mask: lower the sigma.')
    y = x.reshape(b * c, 1, h, w)
    y = F.pad(y, (radius, radius, radius, radius), mode='reflect')
    y = F.conv2d(y, kernel.view(1, 1, 1, -1))
    y = F.conv2d(y, kernel.view(1, 1, -1, 1))
    return y.reshape(b, c, h, w)


def bits(nats):
    return nats / math.log(2)
