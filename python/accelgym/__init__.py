"""accelgym: accelerator design-space exploration with Gymnasium- and PettingZoo-style APIs.

    import accelgym
    env = accelgym.make("dram-v0", trace="cloud-1")   # or gymnasium.make("accelgym/dram-v0")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

With gymnasium importable, every env is registered as "accelgym/<name>" on import.
"""
import importlib.resources as _resources
import os as _os

# An installed package (pip install .) carries the data files the models read; a build tree's
# package (build/python) finds them in the source tree its core was built from.
_data = _resources.files(__name__) / "data"
if _data.is_dir() and not _os.environ.get("ACCELGYM_RESOURCE_DIR"):
    _os.environ["ACCELGYM_RESOURCE_DIR"] = str(_data)

from accelgym import _core  # noqa: E402 - after the resource directory is known
from accelgym.env import AccelEnv, make, register_with_gymnasium, registered_envs
from accelgym.parallel import ParallelAccelEnv, make_parallel
from accelgym.vector import AsyncVectorEnv, SyncVectorEnv, make_vec
from accelgym.batch import evaluate

__version__ = _core.version()
InputError = _core.InputError
register_with_gymnasium()

__all__ = ["AccelEnv", "AsyncVectorEnv", "InputError", "ParallelAccelEnv", "SyncVectorEnv",
           "evaluate", "limits", "make", "make_parallel", "make_vec", "registered_envs",
           "search", "searchers", "simulate"]


def searchers():
    """Names of the searchers `search` accepts."""
    return list(_core.searchers())


def limits():
    """The resource limits on inputs in force (docs/ROBUSTNESS.md): {name: {"value", "unit",
    "bounds"}}. Set ACCELGYM_LIMITS="name=value,..." before the first use of accelgym to change
    them; an input beyond one raises InputError naming it."""
    return dict(_core.limits())


def search(env_name, agent, budget, seed=0, agent_options=None, **env_options):
    """Runs a searcher on an env in-process and returns its summary (a dict)."""
    core = _core.Env(env_name, {k: str(v) for k, v in env_options.items()})
    return core.search(agent, int(budget), int(seed),
                       {k: str(v) for k, v in (agent_options or {}).items()})


def simulate(workload, memory="scalesim-calc", engine="direct", gemm=False, seq_len=0,
             scalesim_estimates=True, **params):
    """Simulates one DNN on one accelerator, as `accelgym sim` does, and returns its report.

    workload: a built-in name (e.g. "resnet50"), a SCALE-Sim topology .csv or a Network .json.
    memory: "scalesim-calc", "scalesim-bw:<words per cycle>" (SCALE-Sim as released),
        "scalesim-bw-9ac2a40:<words per cycle>" (its golden files' stall rule), "ideal", "dram"
        (the DRAM model behind the scratchpads, long runs of alike folds and long transfers
        sampled) or
        "dram-exact" (every fold simulated; "dram" is within 1 % of it).
    engine: "direct", or "systemc" (memory "dram" or "dram-exact": the accelerator as a SystemC
        module; it simulates every fold).
    scalesim_estimates: with "scalesim-calc", also SCALE-Sim's CALC-mode DRAM estimates and
        access windows (as `accelgym sim`; False skips them: ResNet-50 on 32x32 takes ~1 ms
        instead of ~45 ms).
    params: parameters of the accel space by name (`accelgym space --space accel`), e.g.
    rows=64, dataflow="ws", standard="HBM2-2000", global_buffer_kb=1024.

    Returns a dict: {"layers": [...], "total": {...}, "dram": {...} (memory "dram"), ...}.
    """
    import json
    report = _core.simulate(str(workload), memory, engine,
                            {k: str(v) for k, v in params.items()}, bool(gemm), int(seq_len),
                            bool(scalesim_estimates))
    return json.loads(report)
