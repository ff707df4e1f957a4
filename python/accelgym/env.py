"""Gymnasium environments over the C++ core (in-process, no subprocess per step).

Two action modes:

- ``mode="edit"`` (the default): an episode starts from the space's default design (or
  ``reset(options={"design": [...]})``); each action moves every knob one value down (0), keeps
  it (1) or moves it up (2), so the agent edits the design step by step and sees the effect in
  the observation. Episodes truncate after ``episode_length`` steps (default 32) and terminate
  when every target is met.
- ``mode="bandit"``: each action is a whole design (MultiDiscrete over the design space), as in
  ArchGym; ``episode_length`` defaults to 1.

The observation is the current design's value indices followed by each target metric divided
by its target. With gymnasium importable, AccelEnv is a ``gymnasium.Env`` with a real
``EnvSpec`` (``gymnasium.make("accelgym/dram-v0")`` works after ``import accelgym``); without
it, the same API is provided here.
"""
import copy
import struct
import warnings

import numpy as np

from accelgym import _core
from accelgym import spaces

try:  # pragma: no cover - exercised only where gymnasium is installed
    import gymnasium
    from gymnasium.envs.registration import EnvSpec as _GymEnvSpec
    _Base = gymnasium.Env
except ImportError:
    gymnasium = None
    _GymEnvSpec = None
    _Base = object

MODES = ("edit", "bandit")
DEFAULT_EDIT_EPISODE_LENGTH = 32
ENTRY_POINT = "accelgym.env:AccelEnv"
NAMESPACE = "accelgym/"
# Options read by AccelEnv itself; everything else goes to the C++ env.
_PYTHON_OPTIONS = ("mode", "render_mode")


class RenderModeError(ValueError, TypeError):
    """An unsupported render_mode. Also a TypeError: callers that try a render_mode and fall
    back without one on TypeError (Stable-Baselines3's make_vec_env asks for "rgb_array") do."""


class EnvSpec:
    """gymnasium.envs.registration.EnvSpec's fields and make(), for when gymnasium is absent."""

    def __init__(self, id, entry_point=ENTRY_POINT, reward_threshold=None, nondeterministic=False,
                 max_episode_steps=None, order_enforce=True, disable_env_checker=False,
                 kwargs=None, additional_wrappers=(), vector_entry_point=None):
        self.id = id
        self.entry_point = entry_point
        self.reward_threshold = reward_threshold
        self.nondeterministic = nondeterministic
        self.max_episode_steps = max_episode_steps
        self.order_enforce = order_enforce
        self.disable_env_checker = disable_env_checker
        self.kwargs = dict(kwargs or {})
        self.additional_wrappers = tuple(additional_wrappers)
        self.vector_entry_point = vector_entry_point

    def make(self, **kwargs):
        return AccelEnv(**{**self.kwargs, **kwargs})

    def __repr__(self):
        return f"EnvSpec(id={self.id!r}, kwargs={self.kwargs!r})"


def make_spec(name, kwargs, max_episode_steps):
    """The EnvSpec of AccelEnv(name, **kwargs): gymnasium's class when importable."""
    cls = _GymEnvSpec if _GymEnvSpec is not None else EnvSpec
    return cls(id=NAMESPACE + name, entry_point=ENTRY_POINT, nondeterministic=False,
               max_episode_steps=max_episode_steps, kwargs={"name": name, **kwargs})


def env_name(name_or_id):
    """"dram-v0" or "accelgym/dram-v0" -> "dram-v0"."""
    return name_or_id[len(NAMESPACE):] if name_or_id.startswith(NAMESPACE) else name_or_id


def registered_envs():
    """The envs users pick from (test-only envs are left out)."""
    return _core.registered_envs()


class _SeededEnv(_Base):
    """What gymnasium.Env gives an env (np_random, np_random_seed, unwrapped, seeding in reset),
    when gymnasium is not importable; with gymnasium, gymnasium.Env provides it all."""

    if _Base is object:
        spec = None
        _np_random = None
        _np_random_seed = None

        @property
        def np_random(self):
            if self._np_random is None:
                self._np_random = np.random.default_rng()
                self._np_random_seed = -1
            return self._np_random

        @np_random.setter
        def np_random(self, value):
            self._np_random = value
            self._np_random_seed = -1

        @property
        def np_random_seed(self):
            if self._np_random_seed is None:
                self.np_random  # noqa: B018 - creates the generator
            return self._np_random_seed

        @property
        def unwrapped(self):
            return self

        def reset(self, *, seed=None, options=None):
            if seed is not None:
                self._np_random = np.random.default_rng(seed)
                self._np_random_seed = seed

        def __enter__(self):
            return self

        def __exit__(self, *args):
            self.close()
            return False


class AccelEnv(_SeededEnv):
    """Gymnasium's API: reset(*, seed=None, options=None) -> (obs, info);
    step(action) -> (obs, reward, terminated, truncated, info). See the module's doc for the
    action modes. info: valid, status, reason, step, objectives, margins and metrics (a dict)."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, name, mode="edit", episode_length=None, render_mode=None, **options):
        name = env_name(name)
        if mode not in MODES:
            raise ValueError(f"mode must be 'edit' or 'bandit', got {mode!r}")
        if render_mode not in (None, "ansi"):
            raise RenderModeError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        if episode_length is None:
            episode_length = DEFAULT_EDIT_EPISODE_LENGTH if mode == "edit" else 1
        self._name = name
        self._mode = mode
        self._options = dict(options)
        self.render_mode = render_mode
        core_options = {k: str(v) for k, v in options.items()}
        core_options["episode_length"] = str(int(episode_length))
        self._core = _core.Env(name, core_options)
        self._nvec = np.asarray(self._core.action_nvec, dtype=np.int64)
        self._defaults = np.asarray([d["default"] for d in self._core.dimensions], dtype=np.int64)
        if mode == "edit":
            self.action_space = spaces.make_multi_discrete(np.full(len(self._nvec), 3))
        else:
            self.action_space = spaces.make_multi_discrete(self._nvec)
        self.observation_space = spaces.make_box(self._core.observation_low,
                                                 self._core.observation_high)
        kwargs = dict(options, mode=mode, episode_length=int(episode_length))
        if render_mode is not None:
            kwargs["render_mode"] = render_mode
        self.spec = make_spec(name, kwargs, int(episode_length))
        self._design = self._defaults.copy()
        self._episode = {"seed": None, "designs": [], "rewards": []}
        self._last = None  # (obs, reward, info) of the last step, for render()

    # ---- Gymnasium API ---------------------------------------------------------------------

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        options = dict(options or {})
        start = options.pop("design", None)
        if options:
            warnings.warn(f"accelgym: reset options ignored: {sorted(options)} "
                          "(known: 'design')", stacklevel=2)
        if seed is not None:
            self.action_space.seed(seed)
        obs, info = self._core.reset(seed)
        self._episode = {"seed": seed if seed is not None else self._episode["seed"],
                         "designs": [], "rewards": []}
        self._design = np.asarray(obs[:len(self._nvec)], dtype=np.int64)
        self._last = None
        if start is not None:
            self._design = self._check_design(start)
            obs = np.concatenate([self._design.astype(np.float64), obs[len(self._nvec):]])
        return np.asarray(obs, dtype=np.float64), info

    def step(self, action):
        design = self._apply(action)
        obs, reward, terminated, truncated, info = self._core.step([int(x) for x in design])
        obs = np.asarray(obs, dtype=np.float64)
        self._design = obs[:len(self._nvec)].astype(np.int64)  # canonical (conditional knobs)
        self._episode["designs"].append([int(x) for x in design])
        self._episode["rewards"].append(float(reward))
        self._last = (obs, float(reward), info)
        return obs, float(reward), bool(terminated), bool(truncated), info

    def render(self):
        if self.render_mode != "ansi":
            return None
        lines = [f"{self._name} ({self._mode} mode), design:"]
        for d, index in zip(self._core.dimensions, self._design):
            lines.append(f"  {d['name']} = {d['values'][int(index)]}")
        if self._last is None:
            lines.append("not evaluated yet")
        else:
            _, reward, info = self._last
            lines.append(f"reward {reward:.6g} ({info['status']}{': ' + info['reason'] if info['reason'] else ''})")
            for key, value in sorted(info["metrics"].items()):
                lines.append(f"  {key} = {value:.6g}")
        return "\n".join(lines) + "\n"

    def close(self):
        pass

    # ---- accelgym additions ---------------------------------------------------------------

    @property
    def mode(self):
        return self._mode

    @property
    def dimensions(self):
        """The design space: name, group, unit, kind ("ordinal": ordered values, "categorical"),
        values and default index of every knob."""
        return self._core.dimensions

    @property
    def targets(self):
        return list(self._core.targets)

    @property
    def target_origin(self):
        """Where the targets come from: source "table" (the env's shipped default for these
        options, with its difficulty: the fraction of `sample_size` random designs meeting
        them), "option" (given) or "relative" (to the default design; difficulty unknown)."""
        return self._core.target_origin

    @property
    def design(self):
        """The current design as value indices (what the observation starts with)."""
        return self._design.copy()

    def decode(self, design=None):
        """A design (value indices; default: the current one) as {knob: value}."""
        design = self._design if design is None else self._check_design(design)
        return self._core.decode([int(x) for x in design])

    def episode(self):
        """The episode so far: its seed, the designs stepped to and the rewards."""
        return copy.deepcopy(self._episode)

    def replay(self, episode):
        """Re-runs an episode (from episode()) on this env; True when every reward is
        bit-identical to the recorded one."""
        self._core.reset(episode["seed"])
        same = True
        for design, reward in zip(episode["designs"], episode["rewards"]):
            got = self._core.step([int(x) for x in design])[1]
            same &= struct.pack("<d", got) == struct.pack("<d", reward)
        self.reset(seed=episode["seed"])
        return same and len(episode["designs"]) == len(episode["rewards"])

    def fork(self):
        """An independent copy at the same state (a deep copy)."""
        return copy.deepcopy(self)

    # ---- pickling: constructor arguments + episode, replayed ------------------------------

    def __getstate__(self):
        return {"name": self._name, "kwargs": dict(self.spec.kwargs), "episode": self._episode,
                "np_random": None if self._np_random is None else self._np_random.bit_generator.state,
                "np_random_seed": self._np_random_seed,
                "action_space_state": _rng_state(self.action_space)}

    def __setstate__(self, state):
        kwargs = dict(state["kwargs"])
        kwargs.pop("name", None)
        self.__init__(state["name"], **kwargs)
        episode = state["episode"]
        self._core.reset(episode["seed"])
        self._episode = {"seed": episode["seed"], "designs": [], "rewards": []}
        for design in episode["designs"]:
            obs, reward, _, _, info = self._core.step(design)
            self._design = np.asarray(obs[:len(self._nvec)], dtype=np.int64)
            self._episode["designs"].append(list(design))
            self._episode["rewards"].append(float(reward))
            self._last = (np.asarray(obs, dtype=np.float64), float(reward), info)
        if state["np_random"] is not None:
            self._np_random = np.random.default_rng()
            self._np_random.bit_generator.state = state["np_random"]
        self._np_random_seed = state["np_random_seed"]
        _set_rng_state(self.action_space, state["action_space_state"])

    def __deepcopy__(self, memo):
        clone = self.__class__.__new__(self.__class__)
        clone.__setstate__(self.__getstate__())
        return clone

    # ---- helpers ----------------------------------------------------------------------------

    def _apply(self, action):
        a = np.asarray(action)
        if a.dtype.kind not in "iu":
            raise ValueError(f"action must be integers (MultiDiscrete), got dtype {a.dtype}")
        if a.shape != self._nvec.shape:
            raise ValueError(f"action must have shape {self._nvec.shape}, got {a.shape}")
        high = np.full_like(self._nvec, 3) if self._mode == "edit" else self._nvec
        if (a < 0).any() or (a >= high).any():
            raise ValueError(f"action {a.tolist()} is outside MultiDiscrete({high.tolist()})")
        if self._mode == "bandit":
            return a.astype(np.int64)
        return np.clip(self._design + (a.astype(np.int64) - 1), 0, self._nvec - 1)

    def _check_design(self, design):
        d = np.asarray(design)
        if d.dtype.kind not in "iu" or d.shape != self._nvec.shape or (d < 0).any() or \
                (d >= self._nvec).any():
            raise ValueError(f"design must be {len(self._nvec)} value indices below "
                             f"{self._nvec.tolist()}, got {np.asarray(design).tolist()}")
        return d.astype(np.int64)


def _rng_state(space):
    rng = getattr(space, "_np_random", None)
    return None if rng is None else rng.bit_generator.state


def _set_rng_state(space, state):
    if state is not None:
        space.seed(0)
        space.np_random.bit_generator.state = state


def make(name, **kwargs):
    """accelgym.make("dram-v0", trace="cloud-1", mode="edit", episode_length=32,
    targets="latency_ns<=5e4", render_mode="ansi"); "accelgym/dram-v0" also names it."""
    return AccelEnv(name, **kwargs)


def register_with_gymnasium():
    """Registers every env as "accelgym/<name>" in gymnasium's registry (when importable), so
    gymnasium.make("accelgym/dram-v0", ...) and gymnasium.make_vec work after import accelgym."""
    if gymnasium is None:  # pragma: no cover
        return
    for name in registered_envs():
        env_id = NAMESPACE + name
        if env_id in gymnasium.registry:
            continue
        gymnasium.register(id=env_id, entry_point=ENTRY_POINT, kwargs={"name": name},
                           nondeterministic=False)
