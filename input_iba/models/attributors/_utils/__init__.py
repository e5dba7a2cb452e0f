"""What the method files of :mod:`input_iba.models.attributors` share and
that is no method itself: the bases of a family (the CAMs, the surrogate
explainers), the feature groups of the perturbation methods, MaRC's kernels
and mask layouts, the modules Captum's backward rules see, sampled
gradients. Only the method files import it."""
