"""PettingZoo ParallelEnv: one agent per design-space group (split="groups") or per knob
(split="knobs"); the agents' partial actions join into one action of the underlying AccelEnv
(edit mode by default: each agent moves its own knobs), every agent observes the whole design
and its metrics, and the reward is shared. A pettingzoo.ParallelEnv when pettingzoo is
importable; the same API otherwise."""
import warnings

import numpy as np

from accelgym import spaces
from accelgym.env import AccelEnv

try:  # pragma: no cover - exercised only where pettingzoo is installed
    from pettingzoo import ParallelEnv as _Base
except ImportError:
    _Base = object


class ParallelAccelEnv(_Base):
    metadata = {"render_modes": ["ansi"], "name": "accelgym_parallel_v0",
                "is_parallelizable": True}

    def __init__(self, name, split="groups", render_mode=None, **options):
        self._env = AccelEnv(name, render_mode=render_mode, **options)
        self.render_mode = render_mode
        dims = self._env.dimensions
        if split == "groups":
            core = self._env._core
            self._members = {g: list(core.group_dimensions(g)) for g in core.groups}
        elif split == "knobs":
            self._members = {d["name"]: [i] for i, d in enumerate(dims)}
        else:
            raise ValueError("split must be 'groups' or 'knobs'")
        self.possible_agents = list(self._members)
        self.agents = []
        full = np.asarray(self._env.action_space.nvec)
        # The same space objects on every call (PettingZoo seeds them in place).
        self._action_spaces = {a: spaces.make_multi_discrete(full[m])
                               for a, m in self._members.items()}
        self._observation_spaces = {a: self._env.observation_space for a in self.possible_agents}

    @property
    def unwrapped(self):
        return self

    @property
    def num_agents(self):
        return len(self.agents)

    @property
    def max_num_agents(self):
        return len(self.possible_agents)

    @property
    def env(self):
        """The single-agent AccelEnv underneath."""
        return self._env

    def observation_space(self, agent):
        self._known(agent)
        return self._observation_spaces[agent]

    def action_space(self, agent):
        self._known(agent)
        return self._action_spaces[agent]

    def reset(self, seed=None, options=None):
        options = dict(options or {})
        design = options.pop("design", None)
        if options:
            warnings.warn(f"accelgym: reset options ignored: {sorted(options)} "
                          "(known: 'design')", stacklevel=2)
        obs, info = self._env.reset(seed=seed, options=None if design is None else
                                    {"design": design})
        self.agents = list(self.possible_agents)
        if seed is not None:
            for i, a in enumerate(self.possible_agents):
                self._action_spaces[a].seed(seed + i)
        return {a: obs.copy() for a in self.agents}, {a: dict(info) for a in self.agents}

    def step(self, actions):
        missing = set(self.agents) - set(actions)
        unknown = set(actions) - set(self.possible_agents)
        if missing or unknown:
            raise ValueError(f"actions needed from every agent; missing {sorted(missing)}, "
                             f"unknown {sorted(unknown)}")
        keep = 1 if self._env.mode == "edit" else 0
        joined = np.full(len(self._env.action_space.nvec), keep, dtype=np.int64)
        if self._env.mode == "bandit":
            joined[:] = self._env.design
        for agent, action in actions.items():
            a = np.asarray(action)
            if a.shape != (len(self._members[agent]),):
                raise ValueError(f"agent {agent!r}: action shape {a.shape}, expected "
                                 f"({len(self._members[agent])},)")
            joined[self._members[agent]] = a
        obs, reward, terminated, truncated, info = self._env.step(joined)
        agents = list(self.agents)
        if terminated or truncated:
            self.agents = []
        return ({a: obs.copy() for a in agents}, {a: reward for a in agents},
                {a: terminated for a in agents}, {a: truncated for a in agents},
                {a: dict(info) for a in agents})

    def close(self):
        self._env.close()

    def render(self):
        return self._env.render()

    def state(self):
        """The global state: the current design's value indices (every agent's knobs)."""
        return self._env.design.astype(np.float64)

    def _known(self, agent):
        if agent not in self._members:
            raise ValueError(f"unknown agent {agent!r}")


def make_parallel(name, split="groups", **kwargs):
    """accelgym.make_parallel("accel-v0", split="groups") -> a PettingZoo ParallelEnv."""
    return ParallelAccelEnv(name, split=split, **kwargs)
