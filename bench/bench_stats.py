"""Statistics shared by the benchmark scripts."""
import math

import numpy as np


def bootstrap_median_ci(values, rng, resamples=10000):
    """95 % percentile-bootstrap interval of the median of `values`."""
    samples = rng.choice(values, size=(resamples, len(values)), replace=True)
    medians = np.median(samples, axis=1)
    return np.percentile(medians, 2.5), np.percentile(medians, 97.5)


def wilson_interval(hits, n, z=1.96):
    """95 % Wilson score interval of the share hits / n (n > 0)."""
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
