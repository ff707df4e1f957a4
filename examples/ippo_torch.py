"""Independent PPO (IPPO) with PyTorch on the multi-agent view of accel-v0: one agent per
design-space group (compute, memory, dram), each a small network mapping the shared
observation to categorical distributions over its knobs; shared reward; clipped objective
(lr 5e-4, clip 0.2, entropy 0.01 as in docs/reference/gyms.md). Episodes of 4 steps; at each step
every agent moves each of its knobs one value down, keeps it or moves it up (edit mode), seeing
the design the others left in the shared observation.
Run: PYTHONPATH=build/python /usr/bin/python3 examples/ippo_torch.py"""
import os

import numpy as np
import torch
from torch import nn

import accelgym

ITERATIONS = int(os.environ.get("ACCELGYM_EXAMPLE_BUDGET", "20"))
EPISODES_PER_ITERATION = 4
torch.manual_seed(0)

env = accelgym.make_parallel("accel-v0", split="groups", workload="conv_test", episode_length=4)
obs_dim = env.observation_space(env.possible_agents[0]).shape[0]


class Agent(nn.Module):
    def __init__(self, nvec):
        super().__init__()
        self.nvec = [int(n) for n in nvec]
        self.body = nn.Sequential(nn.Linear(obs_dim, 64), nn.Tanh())
        self.heads = nn.ModuleList(nn.Linear(64, n) for n in self.nvec)

    def distributions(self, obs):
        # Observations hold indices and metric/target ratios: squash them for the network.
        h = self.body(torch.log1p(obs))
        return [torch.distributions.Categorical(logits=head(h)) for head in self.heads]


agents = {a: Agent(env.action_space(a).nvec) for a in env.possible_agents}
optimisers = {a: torch.optim.Adam(agents[a].parameters(), lr=5e-4) for a in agents}
best = -np.inf
for iteration in range(ITERATIONS):
    batch = {a: {"obs": [], "act": [], "logp": []} for a in agents}
    returns = []
    for episode in range(EPISODES_PER_ITERATION):
        observations, _ = env.reset(seed=iteration * 100 + episode)
        while env.agents:
            actions = {}
            for a, agent in agents.items():
                obs = torch.as_tensor(observations[a], dtype=torch.float32)
                with torch.no_grad():
                    dists = agent.distributions(obs)
                    act = torch.stack([d.sample() for d in dists])
                    logp = sum(d.log_prob(x) for d, x in zip(dists, act))
                batch[a]["obs"].append(obs)
                batch[a]["act"].append(act)
                batch[a]["logp"].append(logp)
                actions[a] = act.numpy()
            observations, rewards, _, _, _ = env.step(actions)
            returns.append(next(iter(rewards.values())))
            best = max(best, returns[-1])
    advantage = torch.as_tensor(returns, dtype=torch.float32)
    advantage = (advantage - advantage.mean()) / (advantage.std() + 1e-8)
    for a, agent in agents.items():
        obs = torch.stack(batch[a]["obs"])
        act = torch.stack(batch[a]["act"])
        old_logp = torch.stack(batch[a]["logp"])
        for _ in range(4):
            dists = agent.distributions(obs)
            logp = sum(d.log_prob(act[:, i]) for i, d in enumerate(dists))
            entropy = sum(d.entropy() for d in dists).mean()
            ratio = torch.exp(logp - old_logp)
            clipped = torch.clamp(ratio, 0.8, 1.2)
            loss = -torch.min(ratio * advantage, clipped * advantage).mean() - 0.01 * entropy
            optimisers[a].zero_grad()
            loss.backward()
            optimisers[a].step()
    print(f"iteration {iteration}: mean reward {np.mean(returns):.3f}, best so far {best:.3f}")
