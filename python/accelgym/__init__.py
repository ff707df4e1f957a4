"""accelgym: accelerator design-space exploration with Gymnasium- and PettingZoo-style APIs.

    import accelgym
    env = accelgym.make("dram-v0", trace="cloud-1")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
"""
from accelgym import _core
from accelgym.env import AccelEnv, make, registered_envs
from accelgym.parallel import ParallelAccelEnv, make_parallel
from accelgym.vector import AsyncVectorEnv, SyncVectorEnv, make_vec
from accelgym.batch import evaluate

__version__ = _core.version()
InputError = _core.InputError

__all__ = ["AccelEnv", "AsyncVectorEnv", "InputError", "ParallelAccelEnv", "SyncVectorEnv",
           "evaluate", "make", "make_parallel", "make_vec", "registered_envs", "search",
           "searchers"]


def searchers():
    """Names of the searchers `search` accepts."""
    return list(_core.searchers())


def search(env_name, agent, budget, seed=0, agent_options=None, **env_options):
    """Runs a searcher on an env in-process and returns its summary (a dict)."""
    import json
    core = _core.Env(env_name, {k: str(v) for k, v in env_options.items()})
    result = core.search(agent, int(budget), int(seed),
                         {k: str(v) for k, v in (agent_options or {}).items()})
    result["best_point"] = json.loads(result["best_point"]).get("values", {})
    return result
