"""Clones of gymnasium.utils.env_checker.check_env, of the vector-env contract, and of
pettingzoo.test.parallel_api_test / parallel_seed_test, for machines without those packages
(Debian has none of them). They check what the real checkers check on accelgym's envs, and
each failure the real ones found once (issue #19): a spec without gymnasium's fields or make(),
truncation after one step, no np_random setter or np_random_seed, no render_mode, envs that
cannot be pickled, vector envs without call/get_attr/set_attr or with untyped infos, parallel
envs without unwrapped or refusing reset options. tests/python/test_real_checkers.py runs the
real checkers where they are importable."""
import copy
import pickle

import numpy as np


def _same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def _check_spec(env):
    spec = env.spec
    assert spec is not None, "env.spec must be set"
    for field in ("id", "entry_point", "nondeterministic", "max_episode_steps", "kwargs",
                  "order_enforce", "disable_env_checker", "additional_wrappers"):
        assert hasattr(spec, field), f"env.spec has no attribute {field!r} (gymnasium's EnvSpec)"
    remade = spec.make()
    assert type(remade.unwrapped) is type(env.unwrapped), "spec.make() made another kind of env"
    for mode in env.metadata.get("render_modes", []):
        other = spec.make(render_mode=mode)
        other.reset(seed=0)
        out = other.render()
        if mode == "ansi":
            assert isinstance(out, str) and out, "render_mode 'ansi' must render a string"
        other.close()
    remade.close()
    remade.close()  # closing twice is allowed


def _check_seeding(env):
    env.reset(seed=5)
    assert env.np_random_seed == 5, "np_random_seed must be the seed reset() was given"
    state = env.np_random.bit_generator.state
    env.reset()
    assert env.np_random_seed == 5 and env.np_random.bit_generator.state == state, \
        "reset() without a seed must keep the generator"
    env.np_random = np.random.default_rng(1)  # the setter
    assert env.np_random_seed == -1, "np_random_seed is -1 once a generator is set by hand"


def _check_step_determinism(env, seed=123):
    env.action_space.seed(seed)
    action = env.action_space.sample()
    env.reset(seed=seed)
    first = env.step(action)
    env.reset(seed=seed)
    second = env.step(action)
    assert _same(first, second), "step is not deterministic for the same seed and action"
    assert first[3] is False, "Environment truncates after 1 step, something has gone very wrong."


def _check_copies(env, steps=3):
    """pickle and deepcopy keep the state: the copy goes on exactly as the original."""
    env.reset(seed=9)
    env.action_space.seed(9)
    for _ in range(2):
        env.step(env.action_space.sample())
    for clone in (pickle.loads(pickle.dumps(env)), copy.deepcopy(env)):
        actions = [env.action_space.sample() for _ in range(steps)]
        original = [env.step(a) for a in actions]
        copied = [clone.step(a) for a in actions]
        assert _same(original, copied), "a pickled or copied env does not go on as the original"
        env.reset(seed=9)
        env.action_space.seed(9)
        for _ in range(2):
            env.step(env.action_space.sample())


def check_env(env, steps=3):
    """Spaces, reset/step signatures and types, observations in the observation space,
    seeding (np_random, np_random_seed), step determinism without truncation after one step,
    the spec (gymnasium's fields, make(), each render mode), render_mode, pickling."""
    assert hasattr(env, "action_space") and hasattr(env, "observation_space")
    assert env.unwrapped is env.unwrapped.unwrapped
    assert env.render_mode in [None] + list(env.metadata.get("render_modes", []))
    obs, info = env.reset(seed=123)
    assert isinstance(info, dict), "reset must return (obs, info)"
    assert env.observation_space.contains(obs), "reset observation outside observation_space"
    obs2, _ = env.reset(seed=123)
    assert np.array_equal(obs, obs2), "reset(seed) is not deterministic"
    env.reset(seed=123, options={})
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
    _check_step_determinism(env)
    _check_seeding(env)
    _check_spec(env)
    _check_copies(env)
    env.close()


def check_vector_env(vec, steps=3):
    """Gymnasium's VectorEnv contract: batched spaces, reset/step shapes, infos as typed arrays
    with "_key" masks, autoreset_mode an enum, call / get_attr / set_attr."""
    n = vec.num_envs
    mode = vec.metadata.get("autoreset_mode")
    assert getattr(mode, "value", None) == "NextStep", f"autoreset_mode {mode!r} is not the enum"
    obs, infos = vec.reset(seed=0)
    assert obs.shape == (n,) + vec.single_observation_space.shape
    assert infos["_step"].dtype == np.bool_ and infos["step"].dtype.kind in "iu", \
        "numeric infos must be typed arrays"
    vec.action_space.seed(0)
    for _ in range(steps):
        obs, rewards, terminated, truncated, infos = vec.step(vec.action_space.sample())
        assert obs.shape[0] == rewards.shape[0] == terminated.shape[0] == truncated.shape[0] == n
        assert rewards.dtype == np.float64 and terminated.dtype == np.bool_
        assert infos["valid"].dtype == np.bool_
        metrics = infos["metrics"]
        assert all(v.dtype != object for k, v in metrics.items() if not k.startswith("_")), \
            "metric infos must be typed arrays"
    assert len(vec.get_attr("mode")) == n
    vec.set_attr("render_mode", "ansi")
    assert vec.get_attr("render_mode") == ("ansi",) * n
    rendered = vec.call("render")
    assert len(rendered) == n and all(isinstance(r, str) for r in rendered)
    vec.close()


def parallel_api_test(env, num_cycles=3):
    """PettingZoo's parallel API checks: agents, spaces per agent (the same object every call),
    reset taking seed and options, step dicts keyed by the live agents, agents removed when
    they are done, unwrapped."""
    assert env.unwrapped is env.unwrapped.unwrapped
    assert isinstance(env.possible_agents, list) and env.possible_agents
    env.reset(seed=0, options={"options": 1})  # PettingZoo passes options it made up
    observations, infos = env.reset(seed=42)
    assert set(observations) == set(env.agents) == set(infos)
    for agent in env.agents:
        assert env.observation_space(agent).contains(observations[agent])
        assert env.observation_space(agent) is env.observation_space(agent)
        assert env.action_space(agent) is env.action_space(agent)
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


def parallel_seed_test(make_env, num_cycles=10):
    """Two envs made the same way, reset with one seed and given the same seeded actions,
    return the same observations, rewards, terminations, truncations and infos."""
    env1, env2 = make_env(), make_env()
    for env in (env1, env2):
        env.reset(seed=42)
        for i, a in enumerate(env.possible_agents):
            env.action_space(a).seed(42 + i)
    for _ in range(num_cycles):
        if not env1.agents:
            break
        actions1 = {a: env1.action_space(a).sample() for a in env1.agents}
        actions2 = {a: env2.action_space(a).sample() for a in env2.agents}
        assert _same(actions1, actions2), "action spaces are not seeded alike"
        assert _same(env1.step(actions1), env2.step(actions2)), "parallel envs differ"
    env1.close()
    env2.close()
