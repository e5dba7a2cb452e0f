"""Per-element capacities (KL divergences, in nats) of the bottlenecks.

Both bottlenecks write ``Z = lam * X + (1 - lam) * eps``. The KL of the
Gaussian ``N(mu_z, var_z)`` from ``N(0, 1)`` is
``-0.5 * (1 + log var_z - mu_z**2 - var_z)``.
"""
import torch


def gaussian_kl(mu, var):
    """KL(N(mu, var) || N(0, 1)) elementwise."""
    return -0.5 * (1 + torch.log(var) - mu**2 - var)


def feature_kl(r, lam, mean, std):
    """Capacity of the feature bottleneck (IBA, methods.md §1).

    ``r`` the activations, ``lam`` the mask, ``mean``/``std`` the estimated
    statistics of ``r``: ``mu_z = lam * (r - mean) / std``, ``var_z = (1-lam)^2``.
    """
    r_norm = (r - mean) / std
    return gaussian_kl(lam * r_norm, (1 - lam)**2)


def input_kl(x, lam, prior_lam, mean=0.0, std=1.0):
    """Capacity of the input bottleneck of InputIBA (methods.md §2).

    ``prior_lam`` is the generator's mask lam_G: with
    ``r = (1 - lam_G)(x - mean) / ((1 - lam_G * lam) std)``,
    ``mu_z = lam * r`` and ``var_z = (1 - lam)^2 / (1 - lam_G * lam)^2``.
    At ``prior_lam = 0`` this is the feature KL with ``r = x``.
    """
    denom = 1 - prior_lam * lam
    r_norm = (1 - prior_lam) * (x - mean) / (denom * std)
    return gaussian_kl(lam * r_norm, (1 - lam)**2 / denom**2)


def mix(x, lam, noise):
    """The bottleneck itself: ``lam * x + (1 - lam) * noise`` (``lam = 1``
    passes ``x`` unchanged, ``lam = 0`` replaces it by noise)."""
    return lam * x + (1 - lam) * noise


def masked_mean(values, weight):
    """Mean over all but the first dim, counting elements by ``weight``.

    ``weight`` broadcasts to ``values`` (1 = counts, 0 = ignored: inactive
    neurons, padding tokens). Returns one value per sample.
    """
    weight = torch.broadcast_to(weight, values.shape).to(values.dtype)
    dims = tuple(range(1, values.dim()))
    return (values * weight).sum(dims) / weight.sum(dims).clamp_min(1)
