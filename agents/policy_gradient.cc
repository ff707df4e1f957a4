#include "agents/policy_gradient.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

struct Hyper {
  double lr, clip, entropy;
  size_t epochs, batch;
};

// lr 0.5 and batch 8: a scan on dram-v0's hard target (latency_ns<=74985, 30 seeds, checked on
// 30 further seeds) found lr 0.05 / batch 16 barely moved the logits within 500 evaluations
// (docs/SEARCH.md); logits are updated directly, so the step is larger than a network's.
Hyper hyper_from(const Options& o) {
  return {option_number(o, "lr", 0.5, 1e-6, 10), option_number(o, "clip", 0.2, 0.01, 1),
          option_number(o, "entropy", 0.01, 0, 1),
          static_cast<size_t>(option_number(o, "epochs", 4, 1, 100)),
          static_cast<size_t>(option_number(o, "batch", 8, 2, 100000))};
}

// One agent: categorical logits for each of its knobs, updated with PPO's clipped surrogate on
// its own reward baseline.
class Agent {
 public:
  Agent(const DesignSpace& space, std::vector<size_t> dims) : dims_(std::move(dims)) {
    for (size_t d : dims_) logits_.emplace_back(space.cardinality(d), 0.0);
  }

  void act(Rng& rng, IndexVector& design, std::vector<double>& log_prob) const {
    double lp = 0;
    for (size_t k = 0; k < dims_.size(); ++k) {
      const auto p = probabilities(k);
      double u = rng.uniform01();
      uint32_t choice = 0;
      while (choice + 1 < p.size() && u >= p[choice]) u -= p[choice++];
      design[dims_[k]] = choice;
      lp += std::log(p[choice]);
    }
    log_prob.push_back(lp);
  }

  double log_prob(const IndexVector& design) const {
    double lp = 0;
    for (size_t k = 0; k < dims_.size(); ++k) lp += std::log(probabilities(k)[design[dims_[k]]]);
    return lp;
  }

  // The agent's own action in a design (its knobs' values).
  IndexVector action(const IndexVector& design) const {
    IndexVector a;
    for (size_t d : dims_) a.push_back(design[d]);
    return a;
  }

  // Per sample, the advantage the agent learns from, in units of the batch's reward spread.
  // Global (ppo): the shared reward against the batch mean. Local (marl): the batch's mean
  // reward for the agent's own action (shrunk towards the batch mean by one pseudo-sample)
  // against the batch mean: a critic of its own action, averaging out what the other agents
  // chose, so each learner gets its own credit from the shared reward.
  std::vector<double> advantages(const std::vector<IndexVector>& designs,
                                 const std::vector<double>& rewards, bool local) const {
    const auto [mean, population_sd] = mean_sd(rewards);
    const double sd = population_sd + 1e-8;
    std::vector<double> out(rewards.size());
    if (!local) {
      for (size_t i = 0; i < rewards.size(); ++i) out[i] = (rewards[i] - mean) / sd;
      return out;
    }
    std::map<IndexVector, std::pair<double, double>> by_action;  // sum, count
    for (size_t i = 0; i < designs.size(); ++i) {
      auto& [sum, count] = by_action[action(designs[i])];
      sum += rewards[i];
      count += 1;
    }
    for (size_t i = 0; i < designs.size(); ++i) {
      const auto& [sum, count] = by_action[action(designs[i])];
      out[i] = ((sum + mean) / (count + 1) - mean) / sd;
    }
    return out;
  }

  // PPO update on a batch of (design, old log-prob, reward).
  void update(const std::vector<IndexVector>& designs, const std::vector<double>& old_lp,
              const std::vector<double>& rewards, const Hyper& h, bool local_credit) {
    const std::vector<double> advantages = this->advantages(designs, rewards, local_credit);
    for (size_t epoch = 0; epoch < h.epochs; ++epoch) {
      std::vector<std::vector<double>> grad;
      for (const auto& l : logits_) grad.emplace_back(l.size(), 0.0);
      for (size_t i = 0; i < designs.size(); ++i) {
        const double advantage = advantages[i];
        const double ratio = std::exp(log_prob(designs[i]) - old_lp[i]);
        // Clipped surrogate: no gradient once the ratio left [1 - clip, 1 + clip] in the
        // direction the advantage favours.
        const bool clipped =
            (advantage > 0 && ratio > 1 + h.clip) || (advantage < 0 && ratio < 1 - h.clip);
        if (clipped) continue;
        for (size_t k = 0; k < dims_.size(); ++k) {
          const auto p = probabilities(k);
          for (size_t v = 0; v < p.size(); ++v) {
            const double indicator = v == designs[i][dims_[k]] ? 1.0 : 0.0;
            grad[k][v] += ratio * advantage * (indicator - p[v]);  // d(ratio * A)/d logit
          }
        }
      }
      for (size_t k = 0; k < logits_.size(); ++k) {
        const auto p = probabilities(k);
        double entropy = 0;
        for (double q : p) entropy -= q * std::log(q);
        for (size_t v = 0; v < p.size(); ++v) {
          // Entropy bonus gradient: -p_v (log p_v + H).
          const double entropy_grad = -p[v] * (std::log(p[v]) + entropy);
          logits_[k][v] +=
              h.lr * (grad[k][v] / static_cast<double>(designs.size()) + h.entropy * entropy_grad);
        }
      }
    }
  }

 private:
  std::vector<double> probabilities(size_t k) const {
    const auto& l = logits_[k];
    const double top = *std::max_element(l.begin(), l.end());
    std::vector<double> p(l.size());
    double total = 0;
    for (size_t v = 0; v < l.size(); ++v) total += p[v] = std::exp(l[v] - top);
    for (double& x : p) x = std::max(x / total, 1e-12);
    return p;
  }

  std::vector<size_t> dims_;
  std::vector<std::vector<double>> logits_;
};

// Agents act together on each design; after `batch` results each agent updates on the shared
// reward with its own baseline.
class PolicyGradient : public Searcher {
 public:
  enum class Split { kKnob, kGroup, kNone };
  PolicyGradient(const DesignSpace& space, uint64_t seed, const Options& o, Split split)
      : space_(space), rng_(seed), h_(hyper_from(o)), local_credit_(split != Split::kNone) {
    switch (split) {
      case Split::kKnob:  // one agent per knob, as the MARL DRAM-controller study
        for (size_t d = 0; d < space.num_dimensions(); ++d)
          agents_.emplace_back(space, std::vector<size_t>{d});
        break;
      case Split::kGroup:
        for (const auto& g : space.groups())
          agents_.emplace_back(space, space.dimensions_in_group(g));
        break;
      case Split::kNone: {
        std::vector<size_t> all(space.num_dimensions());
        for (size_t d = 0; d < all.size(); ++d) all[d] = d;
        agents_.emplace_back(space, all);
        break;
      }
    }
  }

  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    for (size_t i = 0; i < n; ++i) {
      IndexVector design(space_.num_dimensions(), 0);
      std::vector<double> lps;
      for (const auto& a : agents_) a.act(rng_, design, lps);
      out.push_back(space_.canonical(design));
      pending_.push_back({design, lps, out.back()});
    }
    return out;
  }

  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      const auto it = std::find_if(pending_.begin(), pending_.end(),
                                   [&](const Pending& p) { return p.canonical == r.design; });
      if (it == pending_.end()) continue;  // not ours (e.g. told twice)
      batch_designs_.push_back(it->design);
      batch_lp_.push_back(it->log_probs);
      batch_rewards_.push_back(r.reward);
      pending_.erase(it);
    }
    if (batch_designs_.size() < h_.batch) return;
    for (size_t a = 0; a < agents_.size(); ++a) {
      std::vector<double> old(batch_lp_.size());
      for (size_t i = 0; i < old.size(); ++i) old[i] = batch_lp_[i][a];
      agents_[a].update(batch_designs_, old, batch_rewards_, h_, local_credit_);
    }
    batch_designs_.clear();
    batch_lp_.clear();
    batch_rewards_.clear();
  }

 private:
  struct Pending {
    IndexVector design;
    std::vector<double> log_probs;  // per agent
    IndexVector canonical;
  };
  const DesignSpace& space_;
  Rng rng_;
  Hyper h_;
  bool local_credit_;  // marl: each agent's advantage from its own action's mean reward
  std::vector<Agent> agents_;
  std::vector<Pending> pending_;
  std::vector<IndexVector> batch_designs_;
  std::vector<std::vector<double>> batch_lp_;
  std::vector<double> batch_rewards_;
};

}  // namespace

std::unique_ptr<Searcher> make_marl(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("marl", o, {"lr", "clip", "entropy", "epochs", "batch", "split"});
  const auto it = o.find("split");
  const std::string split = it == o.end() ? "knob" : it->second;
  if (split != "knob" && split != "group") {
    throw InputError("searcher 'marl': option 'split' must be knob or group, got '" + split + "'");
  }
  return std::make_unique<PolicyGradient>(
      space, seed, o,
      split == "knob" ? PolicyGradient::Split::kKnob : PolicyGradient::Split::kGroup);
}

std::unique_ptr<Searcher> make_ppo(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("ppo", o, {"lr", "clip", "entropy", "epochs", "batch"});
  return std::make_unique<PolicyGradient>(space, seed, o, PolicyGradient::Split::kNone);
}

}  // namespace accelgym::agents
