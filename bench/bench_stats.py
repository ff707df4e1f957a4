"""Statistics shared by the benchmark scripts."""
import numpy as np


def bootstrap_median_ci(values, rng, resamples=10000):
    """95 % percentile-bootstrap interval of the median of `values`."""
    samples = rng.choice(values, size=(resamples, len(values)), replace=True)
    medians = np.median(samples, axis=1)
    return np.percentile(medians, 2.5), np.percentile(medians, 97.5)
