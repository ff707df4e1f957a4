"""PettingZoo-style ParallelEnv: one agent per design-space group (or per knob); the agents'
partial actions join into one design point; the reward is shared."""
import numpy as np

from accelgym import spaces
from accelgym.env import AccelEnv


class ParallelAccelEnv:
    metadata = {"render_modes": [], "name": "accelgym_parallel", "is_parallelizable": True}
    render_mode = None

    def __init__(self, name, split="groups", **options):
        self._env = AccelEnv(name, **options)
        dims = self._env.dimensions
        if split == "groups":
            self._members = {g: list(self._env._core.group_dimensions(g)) for g in self._env._core.groups}
        elif split == "knobs":
            self._members = {d["name"]: [i] for i, d in enumerate(dims)}
        else:
            raise ValueError("split must be 'groups' or 'knobs'")
        self.possible_agents = list(self._members)
        self.agents = []
        nvec = np.asarray(self._env._core.action_nvec)
        self._action_spaces = {a: spaces.make_multi_discrete(nvec[m]) for a, m in self._members.items()}
        self._observation_space = self._env.observation_space

    def observation_space(self, agent):
        self._known(agent)
        return self._observation_space

    def action_space(self, agent):
        self._known(agent)
        return self._action_spaces[agent]

    def reset(self, seed=None, options=None):
        obs, info = self._env.reset(seed=seed, options=options)
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
        joined = np.zeros(len(self._env._core.action_nvec), dtype=np.int64)
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
        return None

    def state(self):
        return None

    def _known(self, agent):
        if agent not in self._members:
            raise ValueError(f"unknown agent {agent!r}")


def make_parallel(name, split="groups", **kwargs):
    """accelgym.make_parallel("accel-v0", split="groups") -> a PettingZoo-style ParallelEnv."""
    return ParallelAccelEnv(name, split=split, **kwargs)
