"""Vector envs with Gymnasium's (>= 1.0) vector semantics: batched reset/step, infos as dicts
of typed arrays with "_key" masks (nested dicts nested), next-step autoreset (the step after
an episode ends resets that env and returns its first observation with reward 0), and
call / get_attr / set_attr.

make_vec returns gymnasium.vector.AsyncVectorEnv / SyncVectorEnv over AccelEnv when gymnasium is
importable (a true gymnasium.vector.VectorEnv), else the implementations below with the same
API. AsyncVectorEnv runs each env in a forked worker process (SystemC allows one simulation
context per process); SyncVectorEnv runs them one after another in this process."""
import enum
import functools
import multiprocessing as mp

import numpy as np

from accelgym import spaces
from accelgym.env import AccelEnv, gymnasium


class AutoresetMode(enum.Enum):
    """gymnasium.vector.AutoresetMode's values (only NEXT_STEP is implemented here)."""
    NEXT_STEP = "NextStep"
    SAME_STEP = "SameStep"
    DISABLED = "Disabled"


def add_info(infos, info, index, num_envs):
    """Gymnasium's VectorEnv._add_info: env `index`'s info into the batched `infos`."""
    for key, value in info.items():
        if isinstance(value, dict):
            array = add_info(infos.get(key, {}), value, index, num_envs)
        else:
            array = infos.get(key)
            if array is None:
                if type(value) in (int, float, bool) or isinstance(value, np.number):
                    array = np.zeros(num_envs, dtype=type(value))
                elif isinstance(value, np.ndarray):
                    array = np.zeros((num_envs, *value.shape), dtype=value.dtype)
                else:
                    array = np.full(num_envs, fill_value=None, dtype=object)
            array[index] = value
        mask = infos.get("_" + key, np.zeros(num_envs, dtype=np.bool_))
        mask[index] = True
        infos[key], infos["_" + key] = array, mask
    return infos


def _batch_infos(infos):
    out = {}
    for i, info in enumerate(infos):
        add_info(out, info, i, len(infos))
    return out


class _EnvRunner:
    """One env with next-step autoreset."""

    def __init__(self, name, kwargs):
        self.env = AccelEnv(name, **kwargs)
        self.needs_reset = False

    def reset(self, seed, options=None):
        self.needs_reset = False
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        if self.needs_reset:
            obs, info = self.reset(None)
            return obs, 0.0, False, False, info
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.needs_reset = terminated or truncated
        return obs, reward, terminated, truncated, info

    def call(self, name, args, kwargs):
        attr = getattr(self.env, name)
        return attr(*args, **kwargs) if callable(attr) else attr

    def set_attr(self, name, value):
        setattr(self.env, name, value)


def _worker(pipe, name, kwargs):
    runner = _EnvRunner(name, kwargs)
    while True:
        command, payload = pipe.recv()
        try:
            if command == "reset":
                pipe.send(("ok", runner.reset(*payload)))
            elif command == "step":
                pipe.send(("ok", runner.step(payload)))
            elif command == "call":
                pipe.send(("ok", runner.call(*payload)))
            elif command == "set_attr":
                pipe.send(("ok", runner.set_attr(*payload)))
            elif command == "close":
                pipe.send(("ok", None))
                return
        except Exception as error:  # handed to the parent, which raises it
            pipe.send(("error", repr(error)))


class _VectorBase:
    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP}
    render_mode = None
    spec = None
    closed = False

    def __init__(self, name, num_envs, kwargs):
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        probe = AccelEnv(name, **kwargs)
        self.num_envs = num_envs
        self.single_action_space = probe.action_space
        self.single_observation_space = probe.observation_space
        self.spec = probe.spec
        self.render_mode = probe.render_mode
        nvec = np.asarray(probe.action_space.nvec)
        self.action_space = spaces.MultiDiscrete(np.tile(nvec, (num_envs, 1)))
        self.observation_space = spaces.Box(
            np.tile(probe.observation_space.low, (num_envs, 1)),
            np.tile(probe.observation_space.high, (num_envs, 1)))
        probe.close()

    @property
    def unwrapped(self):
        return self

    def _seeds(self, seed):
        if seed is None:
            return [None] * self.num_envs
        if isinstance(seed, (int, np.integer)):
            return [int(seed) + i for i in range(self.num_envs)]
        if len(seed) != self.num_envs:
            raise ValueError(f"give one seed per env ({self.num_envs})")
        return list(seed)

    def _check_actions(self, actions):
        actions = np.asarray(actions)
        if actions.shape != self.action_space.shape:
            raise ValueError(f"actions must have shape {self.action_space.shape}, got {actions.shape}")
        return actions

    def _values(self, name, values):
        if isinstance(values, (list, tuple)):
            if len(values) != self.num_envs:
                raise ValueError(f"set_attr {name!r}: give one value per env ({self.num_envs})")
            return list(values)
        return [values] * self.num_envs

    @staticmethod
    def _stack_steps(results):
        obs, rewards, terminated, truncated, infos = zip(*results)
        return (np.stack(obs), np.asarray(rewards, dtype=np.float64),
                np.asarray(terminated, dtype=np.bool_), np.asarray(truncated, dtype=np.bool_),
                _batch_infos(infos))

    def render(self):
        return self.call("render")

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()
        return False


class SyncVectorEnv(_VectorBase):
    def __init__(self, name, num_envs, **kwargs):
        super().__init__(name, num_envs, kwargs)
        self._runners = [_EnvRunner(name, kwargs) for _ in range(num_envs)]

    def reset(self, *, seed=None, options=None):
        results = [r.reset(s, options) for r, s in zip(self._runners, self._seeds(seed))]
        obs, infos = zip(*results)
        return np.stack(obs), _batch_infos(infos)

    def step(self, actions):
        actions = self._check_actions(actions)
        return self._stack_steps([r.step(a) for r, a in zip(self._runners, actions)])

    def call(self, name, *args, **kwargs):
        return tuple(r.call(name, args, kwargs) for r in self._runners)

    def get_attr(self, name):
        return tuple(getattr(r.env, name) for r in self._runners)

    def set_attr(self, name, values):
        for r, v in zip(self._runners, self._values(name, values)):
            r.set_attr(name, v)

    def close(self):
        for r in self._runners:
            r.env.close()
        self.closed = True


class AsyncVectorEnv(_VectorBase):
    def __init__(self, name, num_envs, **kwargs):
        super().__init__(name, num_envs, kwargs)
        context = mp.get_context("fork")
        self._pipes, self._processes = [], []
        for _ in range(num_envs):
            parent, child = context.Pipe()
            process = context.Process(target=_worker, args=(child, name, kwargs), daemon=True)
            process.start()
            child.close()
            self._pipes.append(parent)
            self._processes.append(process)

    def _call(self, command, payloads):
        for pipe, payload in zip(self._pipes, payloads):
            pipe.send((command, payload))
        results = []
        for pipe in self._pipes:
            status, value = pipe.recv()
            if status == "error":
                raise RuntimeError(f"worker failed: {value}")
            results.append(value)
        return results

    def reset(self, *, seed=None, options=None):
        obs, infos = zip(*self._call("reset", [(s, options) for s in self._seeds(seed)]))
        return np.stack(obs), _batch_infos(infos)

    def step(self, actions):
        actions = self._check_actions(actions)
        return self._stack_steps(self._call("step", list(actions)))

    def call(self, name, *args, **kwargs):
        return tuple(self._call("call", [(name, args, kwargs)] * self.num_envs))

    def get_attr(self, name):
        return self.call(name)

    def set_attr(self, name, values):
        self._call("set_attr", [(name, v) for v in self._values(name, values)])

    def close(self):
        if self.closed:
            return
        self.closed = True
        try:
            self._call("close", [None] * self.num_envs)
        finally:
            for p in self._processes:
                p.join(timeout=5)

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def make_vec(name, num_envs, asynchronous=True, **kwargs):
    """accelgym.make_vec("dram-v0", 2) -> num_envs copies of the env, stepped together: a
    gymnasium.vector.AsyncVectorEnv (SyncVectorEnv with asynchronous=False) when gymnasium is
    importable, else accelgym's own with the same API."""
    if gymnasium is not None:  # pragma: no cover - exercised only where gymnasium is installed
        fns = [functools.partial(AccelEnv, name, **kwargs) for _ in range(num_envs)]
        if asynchronous:
            return gymnasium.vector.AsyncVectorEnv(fns, context="fork")
        return gymnasium.vector.SyncVectorEnv(fns)
    cls = AsyncVectorEnv if asynchronous else SyncVectorEnv
    return cls(name, num_envs, **kwargs)
