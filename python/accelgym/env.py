"""Gymnasium-style environments over the C++ core (in-process, no subprocess per step)."""
import json

import numpy as np

from accelgym import _core
from accelgym import spaces

try:  # pragma: no cover - exercised only where gymnasium is installed
    import gymnasium
    _Base = gymnasium.Env
except ImportError:
    gymnasium = None
    _Base = object


class EnvSpec:
    """What gymnasium's EnvSpec says about an env: its id and the options it was made with."""

    def __init__(self, id, kwargs, max_episode_steps):
        self.id = id
        self.kwargs = dict(kwargs)
        self.max_episode_steps = max_episode_steps

    def __repr__(self):
        return f"EnvSpec(id={self.id!r}, kwargs={self.kwargs!r})"


def registered_envs():
    return list(_core.registered_envs())


class AccelEnv(_Base):
    """Gymnasium's API: reset(*, seed=None, options=None) -> (obs, info);
    step(action) -> (obs, reward, terminated, truncated, info). The action is a design point
    as a MultiDiscrete index vector; the observation is the design's indices followed by each
    target metric divided by its target."""

    metadata = {"render_modes": []}
    render_mode = None

    def __init__(self, name, **options):
        self._core = _core.Env(name, {k: str(v) for k, v in options.items()})
        self.action_space = spaces.make_multi_discrete(self._core.action_nvec)
        self.observation_space = spaces.make_box(self._core.observation_low,
                                                 self._core.observation_high)
        self.spec = EnvSpec(name, options, self._core.episode_length)
        self._np_random = None
        self._closed = False

    @property
    def np_random(self):
        if self._np_random is None:
            self._np_random = np.random.default_rng()
        return self._np_random

    @property
    def unwrapped(self):
        return self

    @property
    def dimensions(self):
        """The design space: name, group, unit, values and default index of every knob."""
        return self._core.dimensions

    @property
    def targets(self):
        return list(self._core.targets)

    def decode(self, action):
        """The design point an action stands for, as {knob: value}."""
        return json.loads(self._core.decode(self._check_action(action))).get("values", {})

    def reset(self, *, seed=None, options=None):
        if options:
            raise ValueError(f"reset options are not supported: {sorted(options)}")
        if seed is not None:
            self._np_random = np.random.default_rng(seed)
            self.action_space.seed(seed)
        obs, info = self._core.reset(seed)
        return np.asarray(obs, dtype=np.float64), info

    def step(self, action):
        obs, reward, terminated, truncated, info = self._core.step(self._check_action(action))
        return np.asarray(obs, dtype=np.float64), float(reward), bool(terminated), bool(truncated), info

    def close(self):
        self._closed = True

    def render(self):
        return None

    def _check_action(self, action):
        a = np.asarray(action)
        if a.dtype.kind not in "iu":
            raise ValueError(f"action must be integers (MultiDiscrete), got dtype {a.dtype}")
        nvec = np.asarray(self._core.action_nvec)
        if a.shape != nvec.shape:
            raise ValueError(f"action must have shape {nvec.shape}, got {a.shape}")
        if (a < 0).any() or (a >= nvec).any():
            raise ValueError(f"action {a.tolist()} is outside MultiDiscrete({nvec.tolist()})")
        return [int(x) for x in a]


def make(name, **kwargs):
    """accelgym.make("dram-v0", trace="cloud-1", episode_length=1, targets="latency_ns<=5e4")"""
    return AccelEnv(name, **kwargs)
