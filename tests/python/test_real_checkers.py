"""The real upstream checkers on every env: Gymnasium's check_env, wrappers, make and make_vec,
PettingZoo's parallel_api_test, parallel_seed_test and api_test(parallel_to_aec(...)), and
Stable-Baselines3's check_env with a short PPO run. Debian packages none of them, so these
tests skip unless they are importable (docs/ENVS.md says how they were run: their public
sources on PYTHONPATH); accelgym.testing's clones run everywhere."""
import warnings

import numpy as np
import pytest

import accelgym

gymnasium = pytest.importorskip("gymnasium")

QUICK = {"dram-v0": {"count": 300}, "dram-ddr4-v0": {"count": 300}, "dram-hbm2-v0": {"count": 300},
         "dram-rw-v0": {"count": 300}, "systolic-v0": {"workload": "conv_test"},
         "accel-v0": {"workload": "conv_test"}, "hetero-v0": {"workloads": "conv_test,gemm_test"}}


def test_every_env_is_registered_with_gymnasium():
    for name in accelgym.registered_envs():
        assert "accelgym/" + name in gymnasium.registry


@pytest.mark.parametrize("name", sorted(QUICK))
@pytest.mark.parametrize("mode", ["edit", "bandit"])
def test_gymnasium_check_env(name, mode):
    from gymnasium.utils.env_checker import check_env
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # infinite Box bounds of the target ratios: a warning
        check_env(accelgym.make(name, mode=mode, episode_length=4, **QUICK[name]))
        check_env(gymnasium.make("accelgym/" + name, mode=mode, episode_length=4,
                                 **QUICK[name]).unwrapped)


def test_gymnasium_make_and_wrappers():
    from gymnasium.wrappers import RecordEpisodeStatistics, TimeLimit
    env = gymnasium.make("accelgym/dram-v0", count=300, render_mode="ansi")
    assert env.spec.id == "accelgym/dram-v0"
    wrapped = RecordEpisodeStatistics(TimeLimit(env, max_episode_steps=5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a wrapper that loses the spec warns
        spec = wrapped.spec
    assert spec is not None and spec.id == "accelgym/dram-v0"
    wrapped.reset(seed=1)
    for step in range(5):
        _, _, terminated, truncated, info = wrapped.step(wrapped.action_space.sample())
        if terminated or truncated:
            break
    assert truncated and "episode" in info
    assert "PagePolicy" in wrapped.render()


@pytest.mark.parametrize("mode", ["async", "sync"])
def test_gymnasium_make_vec_and_vector_wrappers(mode):
    from gymnasium.wrappers.vector import RecordEpisodeStatistics
    vec = gymnasium.make_vec("accelgym/dram-v0", num_envs=2, vectorization_mode=mode, count=300,
                             episode_length=3)
    assert isinstance(vec, gymnasium.vector.VectorEnv)
    vec = RecordEpisodeStatistics(vec)
    obs, _ = vec.reset(seed=0)
    for _ in range(4):
        obs, rewards, terminated, truncated, infos = vec.step(vec.action_space.sample())
    assert obs.shape[0] == 2 and rewards.dtype == np.float64
    vec.close()
    ours = accelgym.make_vec("dram-v0", 2, count=300)
    assert isinstance(ours, gymnasium.vector.VectorEnv)
    assert ours.get_attr("mode") == ("edit", "edit")
    ours.close()


def test_pettingzoo_tests():
    pettingzoo_test = pytest.importorskip("pettingzoo.test")
    from pettingzoo.utils.conversions import parallel_to_aec
    for name in ("synthetic-v0", "dram-v0", "accel-v0"):
        options = {"episode_length": 3, **QUICK.get(name, {})}
        pettingzoo_test.parallel_api_test(accelgym.make_parallel(name, split="knobs", **options),
                                          num_cycles=10)
        pettingzoo_test.parallel_seed_test(
            lambda: accelgym.make_parallel(name, split="groups", **options), num_cycles=10)
        pettingzoo_test.api_test(parallel_to_aec(accelgym.make_parallel(name, **options)),
                                 num_cycles=10)


def test_stable_baselines3():
    sb3 = pytest.importorskip("stable_baselines3")
    from stable_baselines3.common.env_checker import check_env
    from stable_baselines3.common.env_util import make_vec_env
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_env(accelgym.make("dram-v0", count=300))
        vec = make_vec_env("accelgym/dram-v0", n_envs=2, seed=0,
                           env_kwargs={"count": 300, "episode_length": 8})
        model = sb3.PPO("MlpPolicy", vec, n_steps=16, batch_size=16, n_epochs=1, seed=0,
                        device="cpu")
        model.learn(total_timesteps=64)
    assert model.num_timesteps >= 64
