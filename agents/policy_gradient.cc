#include "agents/policy_gradient.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "agents/bayes_opt.h"
#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

struct Hyper {
  double lr, clip, entropy;
  size_t epochs, batch;
  bool rank_utility;       // learn from the batch's ranks (ties broken by objectives), not rewards
  bool trend;              // ordered knobs' logits also have a shared slope and curvature
  size_t dreams = 0;       // with a critic: imagined batches after each result (dream())
  size_t dream_batch = 0;  // designs per imagined batch
  size_t resample = 0;     // redraws of a design asked or told before, to get a new one
};

// lr 2, clip 0.5, entropy 0.05, batch 4 with rank utilities: scans on the hard targets of
// dram-v0 (latency_ns<=74985) and accel-v0 (latency_ns<=201180), 30 seeds each, checked on 30
// further seeds (docs/SEARCH.md). Logits are updated directly, so the step is larger than a
// network's; a search has few evaluations, so updates come often and may move far, and the
// entropy bonus keeps the agents from settling on their first good values.
// marl (critic=bo) defaults to entropy 0.2 and 16 redraws of a design asked before, chosen with
// its critic on the default targets of the four envs (seeds 1-200) and checked on seeds
// 201-400 (docs/SEARCH.md "marl's critic"): the critic's rankings sharpen the policies, and a
// larger entropy bonus keeps a value the critic is not yet sure about from dying out.
Hyper hyper_from(const Options& o, bool marl) {
  return {option_number(o, "lr", 2, 1e-6, 10),
          option_number(o, "clip", 0.5, 0.01, 1),
          option_number(o, "entropy", marl ? 0.2 : 0.05, 0, 1),
          static_cast<size_t>(option_number(o, "epochs", 4, 1, 100)),
          static_cast<size_t>(option_number(o, "batch", 4, 2, 100000)),
          option_choice(o, "utility", {"rank", "reward"}) == "rank",
          option_choice(o, "ordered", {"trend", "none"}) == "trend",
          static_cast<size_t>(option_number(o, "dreams", 8, 1, 1000)),
          static_cast<size_t>(option_number(o, "dream_batch", 32, 2, 100000)),
          static_cast<size_t>(option_number(o, "resample", marl ? 16 : 0, 0, 100000))};
}

using Features = std::vector<double>;

// Ranks 0..n-1 of n items in the order `before` (a strict weak order); tied items share their
// mean rank.
template <class Before>
std::vector<double> mean_ranks(size_t n, Before before) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), before);
  std::vector<double> rank(n);
  for (size_t first = 0; first < n;) {
    size_t last = first + 1;
    while (last < n && !before(order[first], order[last])) ++last;
    for (size_t i = first; i < last; ++i)
      rank[order[i]] = 0.5 * static_cast<double>(first + last - 1);
    first = last;
  }
  return rank;
}

// One agent: for each of its knobs, categorical logits that are a base plus a linear function
// of what the agent observes (Features; none at an episode's first step), updated with PPO's
// clipped surrogate on its own reward baseline.
class Agent {
 public:
  Agent(const DesignSpace& space, std::vector<size_t> dims, bool trend) : dims_(std::move(dims)) {
    for (size_t d : dims_) {
      const size_t n = space.cardinality(d);
      logits_.emplace_back(n, 0.0);
      weights_.emplace_back();
      trend_.push_back({0.0, 0.0});
      positions_.emplace_back();
      if (!trend || n < 3 || space.dimension(d).kind() == v1::Dimension::CATEGORICAL) continue;
      for (size_t v = 0; v < n; ++v) {
        positions_.back().push_back(2.0 * static_cast<double>(v) / static_cast<double>(n - 1) - 1);
      }
    }
  }

  void act(Rng& rng, const Features& f, IndexVector& design, std::vector<double>& log_prob) const {
    double lp = 0;
    for (size_t k = 0; k < dims_.size(); ++k) {
      const auto p = probabilities(k, f);
      double u = rng.uniform01();
      uint32_t choice = 0;
      while (choice + 1 < p.size() && u >= p[choice]) u -= p[choice++];
      design[dims_[k]] = choice;
      lp += std::log(p[choice]);
    }
    log_prob.push_back(lp);
  }

  double log_prob(const IndexVector& design, const Features& f) const {
    double lp = 0;
    for (size_t k = 0; k < dims_.size(); ++k) lp += std::log(probabilities(k, f)[design[dims_[k]]]);
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

  // PPO update on a batch of (design, what was observed, old log-prob, reward).
  void update(const std::vector<IndexVector>& designs, const std::vector<Features>& observed,
              const std::vector<double>& old_lp, const std::vector<double>& rewards, const Hyper& h,
              bool local_credit) {
    const std::vector<double> advantages = this->advantages(designs, rewards, local_credit);
    for (size_t epoch = 0; epoch < h.epochs; ++epoch) {
      std::vector<std::vector<double>> grad, weight_grad;
      std::vector<std::array<double, 2>> trend_grad(logits_.size(), {0.0, 0.0});
      for (size_t k = 0; k < logits_.size(); ++k) {
        grad.emplace_back(logits_[k].size(), 0.0);
        weight_grad.emplace_back(weights_[k].size(), 0.0);
      }
      for (size_t i = 0; i < designs.size(); ++i) {
        const Features& f = observed[i];
        const double advantage = advantages[i];
        const double ratio = std::exp(log_prob(designs[i], f) - old_lp[i]);
        // Clipped surrogate: no gradient once the ratio left [1 - clip, 1 + clip] in the
        // direction the advantage favours.
        const bool clipped =
            (advantage > 0 && ratio > 1 + h.clip) || (advantage < 0 && ratio < 1 - h.clip);
        if (clipped) continue;
        for (size_t k = 0; k < dims_.size(); ++k) {
          const auto p = probabilities(k, f);
          const size_t width = features_per_value(k);
          for (size_t v = 0; v < p.size(); ++v) {
            const double indicator = v == designs[i][dims_[k]] ? 1.0 : 0.0;
            const double g = ratio * advantage * (indicator - p[v]);  // d(ratio * A)/d logit
            grad[k][v] += g;
            add_trend(k, v, g, trend_grad[k]);
            for (size_t j = 0; j < std::min(width, f.size()); ++j) {
              weight_grad[k][v * width + j] += g * f[j];
            }
          }
        }
      }
      const auto n = static_cast<double>(designs.size());
      for (size_t k = 0; k < logits_.size(); ++k) {
        const auto p = probabilities(k, {});
        double entropy = 0;
        for (double q : p) entropy -= q * std::log(q);
        std::array<double, 2> trend_entropy_grad{0.0, 0.0};
        for (size_t v = 0; v < p.size(); ++v) {
          // Entropy bonus gradient (of the base policy): -p_v (log p_v + H).
          const double entropy_grad = -p[v] * (std::log(p[v]) + entropy);
          logits_[k][v] += h.lr * (grad[k][v] / n + h.entropy * entropy_grad);
          add_trend(k, v, entropy_grad, trend_entropy_grad);
        }
        for (size_t j = 0; j < 2; ++j) {
          trend_[k][j] += h.lr * (trend_grad[k][j] / n + h.entropy * trend_entropy_grad[j]);
        }
        for (size_t w = 0; w < weights_[k].size(); ++w) {
          weights_[k][w] += h.lr * weight_grad[k][w] / n;
        }
      }
    }
  }

  // The observation's size, once known (the first result with objectives): state weights start
  // at zero, so the policy starts as the stateless one.
  void observe_features(size_t count) {
    for (size_t k = 0; k < weights_.size(); ++k) {
      if (weights_[k].empty()) weights_[k].assign(logits_[k].size() * count, 0.0);
    }
  }

 private:
  size_t features_per_value(size_t k) const { return weights_[k].size() / logits_[k].size(); }

  // A logit's gradient `g` for value v of knob k, carried to the knob's trend (slope and
  // curvature over its values' positions in [-1, 1]); nothing for knobs without one.
  void add_trend(size_t k, size_t v, double g, std::array<double, 2>& out) const {
    if (positions_[k].empty()) return;
    const double x = positions_[k][v];
    out[0] += g * x;
    out[1] += g * x * x;
  }

  std::vector<double> probabilities(size_t k, const Features& f) const {
    std::vector<double> l = logits_[k];
    const size_t width = features_per_value(k);
    for (size_t v = 0; v < l.size(); ++v) {
      if (!positions_[k].empty()) {
        const double x = positions_[k][v];
        l[v] += trend_[k][0] * x + trend_[k][1] * x * x;
      }
      for (size_t j = 0; j < std::min(width, f.size()); ++j)
        l[v] += weights_[k][v * width + j] * f[j];
    }
    const double top = *std::max_element(l.begin(), l.end());
    std::vector<double> p(l.size());
    double total = 0;
    for (size_t v = 0; v < l.size(); ++v) total += p[v] = std::exp(l[v] - top);
    for (double& x : p) x = std::max(x / total, 1e-12);
    return p;
  }

  std::vector<size_t> dims_;
  std::vector<std::vector<double>> logits_;
  std::vector<std::vector<double>> weights_;  // per knob: values x features
  // Ordered knobs (option ordered=trend): the logits' slope and curvature over the values'
  // positions (-1 first, +1 last), learnt beside each value's own logit, so that what a batch
  // says about one value carries to its neighbours (few evaluations try each of eight sizes).
  std::vector<std::array<double, 2>> trend_;
  std::vector<std::vector<double>> positions_;  // per knob; empty: no trend
};

// Running mean and spread of a stream (Welford), for z-scores clipped to [-3, 3].
class RunningScale {
 public:
  void add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / n_;
    m2_ += d * (x - mean_);
  }
  double z(double x) const {
    const double sd = n_ > 1 ? std::sqrt(m2_ / n_) : 0;
    return sd > 0 ? std::clamp((x - mean_) / sd, -3.0, 3.0) : 0.0;
  }

 private:
  double n_ = 0, mean_ = 0, m2_ = 0;
};

// Agents act together on each design; after `batch` results each agent updates on the shared
// reward with its own baseline. With `horizon` > 1 (marl's default) the agents play episodes of
// that many steps, several side by side (one per design asked at once): at each step after the
// first every agent observes the outcome of the design all agents chose at the previous step
// (its reward and each objective, as z-scores over every result so far) and conditions its
// choice on it; each step's reward is its own design's.
class PolicyGradient : public Searcher {
 public:
  enum class Split { kKnob, kGroup, kNone };
  PolicyGradient(const DesignSpace& space, uint64_t seed, const Options& o, Split split,
                 size_t horizon, std::unique_ptr<DesignCritic> critic = nullptr)
      : space_(space),
        rng_(seed),
        h_(hyper_from(o, split != Split::kNone)),
        local_credit_(split != Split::kNone),
        // ppo, the single-agent baseline, draws as it always did.
        avoid_constraints_(split != Split::kNone && avoid_declared_constraints(o)),
        horizon_(horizon),
        critic_(std::move(critic)) {
    switch (split) {
      case Split::kKnob:  // one agent per knob, as the MARL DRAM-controller study
        for (size_t d = 0; d < space.num_dimensions(); ++d)
          agents_.emplace_back(space, std::vector<size_t>{d}, h_.trend);
        break;
      case Split::kGroup:
        for (const auto& g : space.groups())
          agents_.emplace_back(space, space.dimensions_in_group(g), h_.trend);
        break;
      case Split::kNone: {
        std::vector<size_t> all(space.num_dimensions());
        for (size_t d = 0; d < all.size(); ++d) all[d] = d;
        agents_.emplace_back(space, all, h_.trend);
        break;
      }
    }
  }

  std::vector<IndexVector> ask(size_t n) override {
    if (episodes_.size() < n) episodes_.resize(n);
    std::vector<IndexVector> out;
    for (size_t e = 0; e < n; ++e) {
      IndexVector design(space_.num_dimensions(), 0);
      std::vector<double> lps;
      const Features& observed = episodes_[e].observation;
      IndexVector canonical;
      for (size_t attempt = 0;; ++attempt) {
        lps.clear();
        for (const auto& a : agents_) a.act(rng_, observed, design, lps);
        canonical = space_.canonical(design);
        if (attempt >= h_.resample || proposable(canonical)) break;
      }
      known_.insert(canonical);
      out.push_back(std::move(canonical));
      pending_.push_back({design, lps, out.back(), observed, e});
    }
    return out;
  }

  void tell(const std::vector<Told>& results) override {
    if (critic_) critic_->tell(results);
    for (const auto& r : results) {
      known_.insert(r.design);
      const auto it = std::find_if(pending_.begin(), pending_.end(),
                                   [&](const Pending& p) { return p.canonical == r.design; });
      if (it == pending_.end()) continue;  // not ours (e.g. told twice)
      batch_designs_.push_back(it->design);
      batch_lp_.push_back(it->log_probs);
      batch_observed_.push_back(it->observed);
      batch_rewards_.push_back(r.reward);
      batch_objectives_.push_back(r.valid ? r.objectives : std::vector<double>{});
      next_observation(episodes_[it->episode], r);
      pending_.erase(it);
    }
    if (critic_) dream();
    if (batch_designs_.size() < h_.batch) return;
    const std::vector<double> utilities =
        h_.rank_utility ? rank_utilities(batch_rewards_, batch_objectives_) : batch_rewards_;
    for (size_t a = 0; a < agents_.size(); ++a) {
      std::vector<double> old(batch_lp_.size());
      for (size_t i = 0; i < old.size(); ++i) old[i] = batch_lp_[i][a];
      agents_[a].update(batch_designs_, batch_observed_, old, utilities, h_, local_credit_);
    }
    batch_designs_.clear();
    batch_objectives_.clear();
    batch_lp_.clear();
    batch_observed_.clear();
    batch_rewards_.clear();
  }

 private:
  struct Episode {
    Features observation;  // empty at the first step
    size_t steps = 0;
  };
  struct Pending {
    IndexVector design;
    std::vector<double> log_probs;  // per agent
    IndexVector canonical;
    Features observed;
    size_t episode;
  };

  void next_observation(Episode& episode, const Told& r) {
    if (horizon_ <= 1) return;
    reward_scale_.add(r.reward);
    if (r.valid && objective_scales_.empty()) {
      objective_scales_.resize(r.objectives.size());
      for (auto& a : agents_) a.observe_features(1 + r.objectives.size());
    }
    const size_t objectives = r.valid ? std::min(r.objectives.size(), objective_scales_.size()) : 0;
    for (size_t i = 0; i < objectives; ++i) objective_scales_[i].add(r.objectives[i]);
    if (++episode.steps >= horizon_) {
      episode = Episode{};
      return;
    }
    // An invalid design has no objectives: its reward (the env's penalty) says it all.
    episode.observation = {reward_scale_.z(r.reward)};
    for (size_t i = 0; i < objective_scales_.size(); ++i) {
      episode.observation.push_back(i < objectives ? objective_scales_[i].z(r.objectives[i]) : 0.0);
    }
  }

  // Centralised critic, decentralised actors: after each result the agents play `dreams`
  // imagined batches of `dream_batch` designs (from their stateless policies), which the
  // critic (bo's models of every result so far) scores, and learn from those scores' ranks as
  // from real results (Dyna: planning steps on a learnt model). A design asked before ranks
  // last: evaluating it again tells nothing.
  void dream() {
    if (!critic_->refresh()) return;
    const Features none;
    for (size_t round = 0; round < h_.dreams; ++round) {
      std::vector<IndexVector> designs, canonical;
      std::vector<std::vector<double>> log_probs;
      for (size_t i = 0; i < h_.dream_batch; ++i) {
        IndexVector design(space_.num_dimensions(), 0);
        log_probs.emplace_back();
        for (const auto& a : agents_) a.act(rng_, none, design, log_probs.back());
        canonical.push_back(space_.canonical(design));
        designs.push_back(std::move(design));
      }
      std::vector<double> score = critic_->score(canonical);
      for (size_t i = 0; i < score.size(); ++i) {
        if (!proposable(canonical[i])) score[i] = -std::numeric_limits<double>::infinity();
      }
      const std::vector<double> utilities =
          rank_utilities(score, std::vector<std::vector<double>>(score.size()));
      const std::vector<Features> observed(designs.size());
      for (size_t a = 0; a < agents_.size(); ++a) {
        std::vector<double> old(designs.size());
        for (size_t i = 0; i < old.size(); ++i) old[i] = log_probs[i][a];
        agents_[a].update(designs, observed, old, utilities, h_, local_credit_);
      }
    }
  }

  // A design not asked or told before that keeps the declared constraints (unless ignored).
  bool proposable(const IndexVector& canonical) const {
    return !known_.count(canonical) &&
           (!avoid_constraints_ || space_.satisfies_constraints(canonical));
  }

  const DesignSpace& space_;
  Rng rng_;
  Hyper h_;
  bool local_credit_;       // marl: each agent's advantage from its own action's mean reward
  bool avoid_constraints_;  // marl with constraints=avoid (proposable())
  size_t horizon_;
  std::unique_ptr<DesignCritic> critic_;  // marl with critic=bo (dream())
  std::set<IndexVector> known_;           // designs asked or told, canonical
  std::vector<Agent> agents_;
  std::vector<Episode> episodes_;
  RunningScale reward_scale_;
  std::vector<RunningScale> objective_scales_;
  std::vector<Pending> pending_;
  std::vector<IndexVector> batch_designs_;
  std::vector<std::vector<double>> batch_lp_;
  std::vector<Features> batch_observed_;
  std::vector<double> batch_rewards_;
  std::vector<std::vector<double>> batch_objectives_;  // empty for invalid results
};

}  // namespace

std::vector<double> rank_utilities(const std::vector<double>& rewards,
                                   const std::vector<std::vector<double>>& objectives) {
  const size_t n = rewards.size();
  size_t count = 0;
  for (const auto& o : objectives) count = std::max(count, o.size());
  std::vector<double> objective_rank_sum(n, 0.0);
  for (size_t k = 0; k < count; ++k) {
    const auto rank = mean_ranks(n, [&](size_t a, size_t b) {
      const bool has_a = k < objectives[a].size(), has_b = k < objectives[b].size();
      if (has_a != has_b) return has_a;
      return has_a && objectives[a][k] < objectives[b][k];
    });
    for (size_t i = 0; i < n; ++i) objective_rank_sum[i] += rank[i];
  }
  const auto rank = mean_ranks(n, [&](size_t a, size_t b) {
    if (rewards[a] != rewards[b]) return rewards[a] > rewards[b];
    return objective_rank_sum[a] < objective_rank_sum[b];
  });
  std::vector<double> utility(n);
  for (size_t i = 0; i < n; ++i) utility[i] = 0.5 * static_cast<double>(n - 1) - rank[i];
  return utility;
}

std::unique_ptr<Searcher> make_marl(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("marl", o,
                {"lr", "clip", "entropy", "epochs", "batch", "utility", "ordered", "split",
                 "horizon", "critic", "dreams", "dream_batch", "resample", "constraints"});
  // Episodes of 8 steps: on dram-v0's hard target (60 seeds) 137.5 evaluations to target
  // against 153 for one-step episodes, within noise (docs/SEARCH.md; the defaults of 2026-12-06).
  const auto horizon = static_cast<size_t>(option_number(o, "horizon", 8, 1, 100000));
  const std::string split = option_choice(o, "split", {"knob", "group"});
  std::unique_ptr<DesignCritic> critic;
  if (option_choice(o, "critic", {"bo", "none"}) == "bo") critic = make_bo_critic(space);
  return std::make_unique<PolicyGradient>(
      space, seed, o,
      split == "knob" ? PolicyGradient::Split::kKnob : PolicyGradient::Split::kGroup, horizon,
      std::move(critic));
}

std::unique_ptr<Searcher> make_ppo(const DesignSpace& space, uint64_t seed, const Options& o) {
  check_options("ppo", o, {"lr", "clip", "entropy", "epochs", "batch", "utility", "ordered"});
  return std::make_unique<PolicyGradient>(space, seed, o, PolicyGradient::Split::kNone, 1);
}

}  // namespace accelgym::agents
