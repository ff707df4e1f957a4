"""Clones of gymnasium.utils.env_checker.check_env and pettingzoo.test.parallel_api_test
(neither package is installable here), run on every accelgym env by the test suite."""
import numpy as np


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    return a == b


def check_env(env, steps=3):
    """Spaces, reset/step signatures and types, observations in the observation space,
    seeding determinism and step determinism (Gymnasium's checks)."""
    assert hasattr(env, "action_space") and hasattr(env, "observation_space")
    obs, info = env.reset(seed=123)
    assert isinstance(info, dict), "reset must return (obs, info)"
    assert env.observation_space.contains(obs), "reset observation outside observation_space"
    obs2, info2 = env.reset(seed=123)
    assert np.array_equal(obs, obs2), "reset(seed) is not deterministic"
    env.action_space.seed(7)
    actions = [env.action_space.sample() for _ in range(steps)]
    env.action_space.seed(7)
    assert all(np.array_equal(a, env.action_space.sample()) for a in actions), \
        "action_space.seed does not fix sample()"
    runs = []
    for _ in range(2):
        env.reset(seed=5)
        run = []
        for a in actions:
            assert env.action_space.contains(a)
            result = env.step(a)
            assert len(result) == 5, "step must return (obs, reward, terminated, truncated, info)"
            obs, reward, terminated, truncated, info = result
            assert env.observation_space.contains(obs), "step observation outside observation_space"
            assert isinstance(reward, float) and np.isfinite(reward), "reward must be a finite float"
            assert isinstance(terminated, bool) and isinstance(truncated, bool)
            assert isinstance(info, dict)
            run.append((obs, reward, terminated, truncated, info))
            if terminated or truncated:
                env.reset(seed=5)
        runs.append(run)
    assert _same(runs[0], runs[1]), "step is not deterministic for the same seed and actions"
    env.close()


def parallel_api_test(env, num_cycles=3):
    """PettingZoo's parallel API checks: agents, spaces per agent, reset and step dicts keyed
    by the live agents, agents removed when they are done."""
    assert isinstance(env.possible_agents, list) and env.possible_agents
    observations, infos = env.reset(seed=42)
    assert set(observations) == set(env.agents) == set(infos)
    for agent in env.agents:
        assert env.observation_space(agent).contains(observations[agent])
    for _ in range(num_cycles):
        if not env.agents:
            observations, infos = env.reset(seed=42)
        actions = {a: env.action_space(a).sample() for a in env.agents}
        live = set(env.agents)
        obs, rewards, terminations, truncations, infos = env.step(actions)
        for d in (obs, rewards, terminations, truncations, infos):
            assert set(d) == live, "step dicts must be keyed by the agents that acted"
        for a in live:
            assert env.observation_space(a).contains(obs[a])
            assert np.isfinite(rewards[a])
            if terminations[a] or truncations[a]:
                assert a not in env.agents, "done agents must leave env.agents"
    env.close()
