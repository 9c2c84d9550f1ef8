// The `compensation` section: what the SDR and AE plans pay for, what they cost, and how a plan
// shifts behaviour (elasticities with their own uncertainty).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace funnelsim::models {

/// One behaviour shift per unit of variable pay share, uncertain: drawn once per replication
/// from a normal with this mean and standard deviation (sd 0: the mean exactly).
struct Elasticity {
  double mean = 0.0;
  double sd = 0.0;
  bool zero() const { return mean == 0.0 && sd == 0.0; }
};

/// What an SDR plan pays for. The order is the order of sdr_plan_names().
enum class SdrPlan { PerMeeting, PerSql, PerOpportunity, COUNT };
/// What an AE plan pays for. The order is the order of ae_plan_names().
enum class AePlan { Bookings, NewLogos, COUNT };

/// Which waiting lead an SDR takes next under a plan; Keep leaves the pool's discipline.
enum class WorkFirst { Keep, Fifo, NewestFirst, HighestScore };

/// How an SDR plan moves behaviour, per unit of variable share.
struct SdrElasticities {
  /// Added to the probability that a lead failing the sales-ready rules is passed on anyway.
  Elasticity pass_unqualified;
  /// Added to the pool's max_attempts (follow-up persistence).
  Elasticity follow_up_attempts;
  /// Queue discipline the plan pushes SDRs to (applies only when plan != observed_plan).
  WorkFirst work_first = WorkFirst::Keep;
};

/// How an AE plan moves behaviour, per unit of variable share.
struct AeElasticities {
  /// Added to the share of AE working time spent on inbound opportunities (1 = all of it);
  /// the rest goes to named accounts.
  Elasticity inbound_time_share;
};

struct SdrCompensation {
  std::optional<std::size_t> pool;  ///< capacity pool (role sdr) these reps form
  SdrPlan plan = SdrPlan::PerMeeting;
  SdrPlan observed_plan = SdrPlan::PerMeeting;  ///< plan in force when the rates were measured
  double variable_share = 0.0;                  ///< variable pay / on-target earnings, [0, 1]
  double observed_variable_share = 0.0;         ///< default: variable_share
  double base_salary_per_month = 0.0;           ///< $ per FTE-month (needs pool), >= 0
  /// $ per lead entering each stage (stage index, dollars), in file order.
  std::vector<std::pair<std::size_t, double>> payout;
};

struct AeCompensation {
  std::optional<std::size_t> pool;  ///< capacity pool (role ae)
  AePlan plan = AePlan::Bookings;
  AePlan observed_plan = AePlan::Bookings;
  double variable_share = 0.0;
  double observed_variable_share = 0.0;
  double base_salary_per_month = 0.0;
  double bookings_rate = 0.0;  ///< commission: share of booked dollars, [0, 1]
  double new_logo = 0.0;       ///< $ per deal won (a lead entering a `bookings` stage), >= 0
};

struct Compensation {
  bool defined = false;
  std::optional<SdrCompensation> sdr;
  std::optional<AeCompensation> ae;
  /// Stages whose cost per lead is reported (`compensation.cost_per.<stage>`), file order.
  std::vector<std::size_t> cost_per;
  /// By SdrPlan / AePlan: the documented defaults (default_sdr_elasticities()), with the
  /// scenario's `compensation.elasticities` applied over them.
  std::array<SdrElasticities, static_cast<std::size_t>(SdrPlan::COUNT)> sdr_elasticities =
      default_sdr_elasticities();
  std::array<AeElasticities, static_cast<std::size_t>(AePlan::COUNT)> ae_elasticities =
      default_ae_elasticities();

  static constexpr std::array<std::string_view, 3> sdr_plan_names() {
    return {"per_meeting", "per_sql", "per_opportunity"};
  }
  static constexpr std::array<std::string_view, 2> ae_plan_names() {
    return {"bookings", "new_logos"};
  }
  /// Paid per meeting booked, SDRs pass weaker leads on and give up sooner; paid per SQL,
  /// they pass a little and persist; paid per opportunity, they screen and persist most, and
  /// work the best-scored leads first. See scenarios/README.md for the sources and caveats.
  static constexpr std::array<SdrElasticities, 3> default_sdr_elasticities() {
    return {{
        {{0.30, 0.10}, {-2.0, 1.0}, WorkFirst::NewestFirst},  // per_meeting
        {{0.10, 0.05}, {0.0, 0.5}, WorkFirst::Keep},          // per_sql
        {{0.00, 0.00}, {2.0, 1.0}, WorkFirst::HighestScore},  // per_opportunity
    }};
  }
  /// Paid on new logos, AEs move time from inbound deals to prospecting named accounts.
  static constexpr std::array<AeElasticities, 2> default_ae_elasticities() {
    return {{
        {{0.0, 0.0}},   // bookings
        {{-0.3, 0.1}},  // new_logos
    }};
  }
};

}  // namespace funnelsim::models
