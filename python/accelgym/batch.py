"""Evaluating many designs at once for searchers: in worker processes (one env each, forked:
SystemC allows one simulation context per process), results in the order given."""
import multiprocessing as mp

from accelgym.env import AccelEnv

_worker_env = None


def _init(name, kwargs):
    global _worker_env
    _worker_env = AccelEnv(name, mode="bandit", **kwargs)  # each action is a whole design
    _worker_env.reset(seed=0)


def _evaluate(action):
    _, reward, terminated, _, info = _worker_env.step(action)
    return {"design": _worker_env.decode(action), "reward": reward, "valid": info["valid"],
            "status": info["status"], "reason": info["reason"], "metrics": info["metrics"],
            "targets_met": terminated}


def evaluate(name, actions, workers=2, **kwargs):
    """Evaluates each action (a MultiDiscrete index vector) of env `name`; a list of dicts with
    design, reward, valid, status, reason, metrics, targets_met, in the order of `actions`."""
    actions = [list(map(int, a)) for a in actions]
    if workers <= 1:
        _init(name, kwargs)
        return [_evaluate(a) for a in actions]
    with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(name, kwargs)) as pool:
        return pool.map(_evaluate, actions, chunksize=max(1, len(actions) // (4 * workers)))
