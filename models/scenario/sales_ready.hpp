// Lead attributes drawn per lead, and the sales-ready criteria that judge them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models {

/// The top of the lead-score scale (points); scores live in [0, MAX_SCORE].
inline constexpr double MAX_SCORE = 100.0;

/// Attributes that differ for one source or one segment (`leads.by_source.<id>`,
/// `leads.by_segment.<id>`): each one set replaces the base value.
struct AttributeOverride {
  std::vector<double> persona_share;  ///< by persona; empty: the base shares
  std::optional<DistributionSpec> fit_score;
  std::optional<DistributionSpec> decision_timeline_months;
  std::optional<double> budget_known;
  std::optional<double> authority;
  std::optional<double> need;
};

/// What each lead carries from its creation (scenarios/README.md, `leads`). A lead's
/// attributes are drawn once, when it leaves the entry stage (or, in the starting funnel,
/// when the run starts), from the scenario's stream for its source.
struct LeadAttributes {
  bool defined = false;                                      ///< the scenario has a `leads` section
  std::vector<std::string> personas;                         ///< ids, in file order (at most 255)
  std::vector<double> persona_share;                         ///< by persona, sums to 1
  std::optional<DistributionSpec> fit_score;                 ///< points, 0 .. 100
  std::optional<DistributionSpec> decision_timeline_months;  ///< at creation, >= 0
  std::optional<double> budget_known;  ///< probability that the lead has a known budget
  std::optional<double> authority;     ///< probability that the contact can sign
  std::optional<double> need;          ///< probability of a confirmed need
  /// Each whole month a lead lives, its decision date slips with this probability by
  /// `slip_months` (drawn per slip); otherwise the timeline only shortens with time.
  double slip_probability = 0.0;
  DistributionSpec slip_months;  ///< Fixed 0 unless set
  /// Overrides by source and by segment index (empty, or one optional per source or
  /// segment). A lead of (source, segment) takes the base, then its segment's override,
  /// then its source's: the source's value wins where both set one.
  std::vector<std::optional<AttributeOverride>> by_source;
  std::vector<std::optional<AttributeOverride>> by_segment;

  /// The attributes of leads of (source, segment), overrides applied (by_source and
  /// by_segment left empty in the result).
  LeadAttributes resolved(std::size_t source, std::size_t segment) const {
    LeadAttributes out = *this;
    out.by_source.clear();
    out.by_segment.clear();
    auto apply = [&out](const std::optional<AttributeOverride>& o) {
      if (!o) return;
      if (!o->persona_share.empty()) out.persona_share = o->persona_share;
      if (o->fit_score) out.fit_score = o->fit_score;
      if (o->decision_timeline_months) out.decision_timeline_months = o->decision_timeline_months;
      if (o->budget_known) out.budget_known = o->budget_known;
      if (o->authority) out.authority = o->authority;
      if (o->need) out.need = o->need;
    };
    if (segment < by_segment.size()) apply(by_segment[segment]);
    if (source < by_source.size()) apply(by_source[source]);
    return out;
  }
};

/// Why a lead was rejected: the first rule it fails, in this order (unreachable comes
/// from the SDR queue, not from a rule).
enum class RejectionReason : std::size_t {
  Score,
  Persona,
  Need,
  Budget,
  Authority,
  Timeline,
  Unreachable,
  COUNT
};
inline constexpr std::array<const char*, static_cast<std::size_t>(RejectionReason::COUNT)>
    REJECTION_REASON_NAMES = {"score",     "persona",  "need",       "budget",
                              "authority", "timeline", "unreachable"};

/// The jointly agreed criteria, applied when a lead takes the transition
/// `stage` -> `accept_to`: a lead that fails one does not take it, and is recycled to
/// `recycle_to` after `cooldown_days` (at most `max_recycles` times; then it goes to
/// `exhausted_to`, or leaves the funnel).
struct SalesReady {
  bool defined = false;
  std::size_t stage = 0;
  std::size_t accept_to = 0;
  std::optional<double> min_score;  ///< fit score at least this
  std::vector<bool> personas;       ///< by persona; empty: any persona
  bool need_required = false;
  bool budget_required = false;
  bool authority_required = false;
  std::optional<double> timeline_within_months;  ///< decision at most this many months out
  std::optional<std::size_t> recycle_to;
  double cooldown_days = 0.0;
  int max_recycles = 0;
  std::optional<std::size_t> exhausted_to;

  /// Whether a rule can give `reason` (Unreachable: never; the model adds it).
  bool checks(RejectionReason reason) const {
    switch (reason) {
      case RejectionReason::Score:
        return min_score.has_value();
      case RejectionReason::Persona:
        return !personas.empty();
      case RejectionReason::Need:
        return need_required;
      case RejectionReason::Budget:
        return budget_required;
      case RejectionReason::Authority:
        return authority_required;
      case RejectionReason::Timeline:
        return timeline_within_months.has_value();
      case RejectionReason::Unreachable:
      case RejectionReason::COUNT:
        break;
    }
    return false;
  }
};

}  // namespace funnelsim::models
