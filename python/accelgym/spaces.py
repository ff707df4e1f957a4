"""Spaces with Gymnasium's constructors and methods (sample, contains, seed); the real
gymnasium.spaces are used when gymnasium is importable."""
import numpy as np

try:  # pragma: no cover - exercised only where gymnasium is installed
    from gymnasium import spaces as _gym_spaces
except ImportError:
    _gym_spaces = None


class Space:
    def __init__(self, shape=None, dtype=None, seed=None):
        self.shape = None if shape is None else tuple(shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self._np_random = None
        if seed is not None:
            self.seed(seed)

    @property
    def np_random(self):
        if self._np_random is None:
            self.seed()
        return self._np_random

    def seed(self, seed=None):
        self._np_random = np.random.default_rng(seed)
        return [seed]

    def __contains__(self, x):
        return self.contains(x)


class Discrete(Space):
    def __init__(self, n, seed=None, start=0):
        if int(n) <= 0:
            raise ValueError("n must be positive")
        self.n = int(n)
        self.start = int(start)
        super().__init__((), np.int64, seed)

    def sample(self):
        return int(self.start + self.np_random.integers(self.n))

    def contains(self, x):
        if isinstance(x, (np.generic, np.ndarray)) and np.asarray(x).shape == ():
            x = x.item()
        return isinstance(x, (int, np.integer)) and self.start <= x < self.start + self.n

    def __repr__(self):
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"


class MultiDiscrete(Space):
    def __init__(self, nvec, dtype=np.int64, seed=None):
        self.nvec = np.asarray(nvec, dtype=dtype)
        if (self.nvec <= 0).any():
            raise ValueError("every entry of nvec must be positive")
        super().__init__(self.nvec.shape, dtype, seed)

    def sample(self):
        return (self.np_random.random(self.nvec.shape) * self.nvec).astype(self.dtype)

    def contains(self, x):
        if isinstance(x, (list, tuple)):
            x = np.asarray(x)
        if not isinstance(x, np.ndarray) or x.shape != self.shape or x.dtype.kind not in "iu":
            return False
        return bool(((x >= 0) & (x < self.nvec)).all())

    def __repr__(self):
        return f"MultiDiscrete({self.nvec.tolist()})"


class Box(Space):
    def __init__(self, low, high, shape=None, dtype=np.float64, seed=None):
        low = np.asarray(low, dtype=dtype)
        high = np.asarray(high, dtype=dtype)
        if shape is None:
            shape = low.shape if low.shape else high.shape
        self.low = np.broadcast_to(low, shape).astype(dtype)
        self.high = np.broadcast_to(high, shape).astype(dtype)
        super().__init__(shape, dtype, seed)

    def sample(self):
        low = np.where(np.isfinite(self.low), self.low, -1e6)
        high = np.where(np.isfinite(self.high), self.high, low + 1e6)
        return self.np_random.uniform(low, high).astype(self.dtype)

    def contains(self, x):
        if not isinstance(x, np.ndarray):
            return False
        return x.shape == self.shape and bool(np.all(x >= self.low) and np.all(x <= self.high))

    def __repr__(self):
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


class Dict(Space):
    def __init__(self, spaces=None, seed=None, **kwargs):
        self.spaces = dict(spaces or {}, **kwargs)
        super().__init__(None, None, None)
        if seed is not None:
            self.seed(seed)

    def seed(self, seed=None):
        super().seed(seed)
        seeds = np.random.SeedSequence(seed).spawn(len(self.spaces))
        for s, sub in zip(seeds, self.spaces.values()):
            sub.seed(int(s.generate_state(1)[0]))
        return [seed]

    def sample(self):
        return {k: s.sample() for k, s in self.spaces.items()}

    def contains(self, x):
        return isinstance(x, dict) and x.keys() == self.spaces.keys() and all(
            self.spaces[k].contains(v) for k, v in x.items())

    def __getitem__(self, key):
        return self.spaces[key]

    def __repr__(self):
        return "Dict(" + ", ".join(f"{k!r}: {v}" for k, v in self.spaces.items()) + ")"


def make_multi_discrete(nvec):
    if _gym_spaces is not None:  # pragma: no cover
        return _gym_spaces.MultiDiscrete(nvec)
    return MultiDiscrete(nvec)


def make_box(low, high):
    if _gym_spaces is not None:  # pragma: no cover
        return _gym_spaces.Box(np.asarray(low), np.asarray(high), dtype=np.float64)
    return Box(low, high, dtype=np.float64)
