"""Vector envs with Gymnasium's (>= 1.0) vector semantics: batched reset/step, infos as
dicts of arrays with "_key" masks, and next-step autoreset (the step after an episode ends
resets that env and returns its first observation with reward 0).

AsyncVectorEnv runs each env in a forked worker process (SystemC allows one simulation
context per process); SyncVectorEnv runs them one after another in this process."""
import multiprocessing as mp

import numpy as np

from accelgym import spaces
from accelgym.env import AccelEnv


def _batch_infos(infos):
    out = {}
    for i, info in enumerate(infos):
        for key, value in info.items():
            if key not in out:
                out[key] = np.empty(len(infos), dtype=object)
                out["_" + key] = np.zeros(len(infos), dtype=bool)
            out[key][i] = value
            out["_" + key][i] = True
    return out


class _EnvRunner:
    """One env with next-step autoreset."""

    def __init__(self, name, kwargs):
        self.env = AccelEnv(name, **kwargs)
        self.needs_reset = False

    def reset(self, seed):
        self.needs_reset = False
        obs, info = self.env.reset(seed=seed)
        return obs, info

    def step(self, action):
        if self.needs_reset:
            obs, info = self.reset(None)
            return obs, 0.0, False, False, info
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.needs_reset = terminated or truncated
        return obs, reward, terminated, truncated, info


def _worker(pipe, name, kwargs):
    runner = _EnvRunner(name, kwargs)
    while True:
        command, payload = pipe.recv()
        try:
            if command == "reset":
                pipe.send(("ok", runner.reset(payload)))
            elif command == "step":
                pipe.send(("ok", runner.step(payload)))
            elif command == "close":
                pipe.send(("ok", None))
                return
        except Exception as error:  # handed to the parent, which raises it
            pipe.send(("error", repr(error)))


class _VectorBase:
    metadata = {"autoreset_mode": "NextStep"}

    def __init__(self, name, num_envs, kwargs):
        if num_envs < 1:
            raise ValueError("num_envs must be at least 1")
        probe = AccelEnv(name, **kwargs)
        self.num_envs = num_envs
        self.single_action_space = probe.action_space
        self.single_observation_space = probe.observation_space
        nvec = np.asarray(probe.action_space.nvec)
        self.action_space = spaces.MultiDiscrete(np.tile(nvec, (num_envs, 1)))
        self.observation_space = spaces.Box(
            np.tile(probe.observation_space.low, (num_envs, 1)),
            np.tile(probe.observation_space.high, (num_envs, 1)))
        probe.close()

    def _seeds(self, seed):
        if seed is None:
            return [None] * self.num_envs
        if isinstance(seed, int):
            return [seed + i for i in range(self.num_envs)]
        if len(seed) != self.num_envs:
            raise ValueError(f"give one seed per env ({self.num_envs})")
        return list(seed)

    def _check_actions(self, actions):
        actions = np.asarray(actions)
        if actions.shape != self.action_space.shape:
            raise ValueError(f"actions must have shape {self.action_space.shape}, got {actions.shape}")
        return actions

    @staticmethod
    def _stack_steps(results):
        obs, rewards, terminated, truncated, infos = zip(*results)
        return (np.stack(obs), np.asarray(rewards, dtype=np.float64), np.asarray(terminated),
                np.asarray(truncated), _batch_infos(infos))


class SyncVectorEnv(_VectorBase):
    def __init__(self, name, num_envs, **kwargs):
        super().__init__(name, num_envs, kwargs)
        self._runners = [_EnvRunner(name, kwargs) for _ in range(num_envs)]

    def reset(self, *, seed=None, options=None):
        if options:
            raise ValueError("reset options are not supported")
        results = [r.reset(s) for r, s in zip(self._runners, self._seeds(seed))]
        obs, infos = zip(*results)
        return np.stack(obs), _batch_infos(infos)

    def step(self, actions):
        actions = self._check_actions(actions)
        return self._stack_steps([r.step(a) for r, a in zip(self._runners, actions)])

    def close(self):
        for r in self._runners:
            r.env.close()


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
        self._closed = False

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
        if options:
            raise ValueError("reset options are not supported")
        obs, infos = zip(*self._call("reset", self._seeds(seed)))
        return np.stack(obs), _batch_infos(infos)

    def step(self, actions):
        actions = self._check_actions(actions)
        return self._stack_steps(self._call("step", list(actions)))

    def close(self):
        if self._closed:
            return
        self._closed = True
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
    """accelgym.make_vec("dram-v0", 2) -> num_envs copies of the env, stepped together."""
    cls = AsyncVectorEnv if asynchronous else SyncVectorEnv
    return cls(name, num_envs, **kwargs)
