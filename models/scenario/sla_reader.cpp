#include "models/scenario/sla_reader.hpp"

#include <algorithm>

#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

SlaRead read_sla(const MapCursor& root) {
  SlaRead read;
  const auto at = root.get("sla");
  if (!at) return read;
  const auto map = MapCursor::open(*at, {"targets", "confidence"});
  if (!map) return read;
  read.sla.defined = true;
  if (const auto q_at = map->get("confidence"))
    if (const auto q = q_at->number(NumberRange{0.0, 1.0, true, true})) read.sla.confidence = *q;
  const auto targets_at = map->require("targets");
  if (!targets_at) return read;
  const auto targets = MapCursor::open_ids(*targets_at);
  if (!targets) return read;
  if (targets->entries().empty()) targets_at->error("must define at least one target");
  for (const auto& entry : targets->entries()) {
    const auto fields = MapCursor::open(entry.value, {"metric", "at_least", "at_most", "label"});
    if (!fields) continue;
    SlaTarget target;
    target.id = entry.key;
    bool ok = true;
    if (const auto metric_at = fields->require("metric")) {
      if (const auto metric = metric_at->string()) {
        target.metric = *metric;
        read.metric_at.push_back(*metric_at);
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    const auto least_at = fields->get("at_least"), most_at = fields->get("at_most");
    if (least_at && most_at) {
      most_at->error("give at_least or at_most, not both");
      ok = false;
    } else if (!least_at && !most_at) {
      fields->missing("at_least",
                      "is required (or at_most): the value the metric must reach "
                      "every month");
      ok = false;
    } else {
      const YamlCursor& value_at = least_at ? *least_at : *most_at;
      target.direction = least_at ? SlaTarget::Direction::AtLeast : SlaTarget::Direction::AtMost;
      if (const auto v = value_at.number(at_least(0.0)))
        target.value = *v;
      else
        ok = false;
    }
    if (const auto label_at = fields->get("label")) target.label = label_at->string().value_or("");
    if (target.label.empty()) target.label = target.metric;
    if (ok)
      read.sla.targets.push_back(std::move(target));
    else if (!read.metric_at.empty() && read.metric_at.size() > read.sla.targets.size())
      read.metric_at.pop_back();
  }
  return read;
}

void check_sla_metrics(const SlaRead& read, const std::vector<std::string>& metric_names) {
  std::vector<std::string> candidates;
  for (const auto& name : metric_names)
    if (!name.starts_with("sla.")) candidates.push_back(name);
  for (std::size_t i = 0; i < read.metric_at.size() && i < read.sla.targets.size(); ++i) {
    const std::string& metric = read.sla.targets[i].metric;
    if (std::find(candidates.begin(), candidates.end(), metric) != candidates.end()) continue;
    read.metric_at[i].error(
        metric.starts_with("sla.")
            ? std::string("a target cannot be on another target's sla.* metric")
            : "is not a metric of this scenario (`funnelsim forecast` lists them)" +
                  suggestion_text(metric, candidates));
  }
}

}  // namespace funnelsim::models
