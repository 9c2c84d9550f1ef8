#include "tools/report/report_writer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/io/atomic_file.hpp"
#include "engine/stats/quantile.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/sla_commitment.hpp"

namespace funnelsim::report {

namespace {

using Json = nlohmann::ordered_json;

// Blues for the bands (light to dark) and a dark median line keep their order in grey; the
// mean is dashed and the targets are orange and dash-dotted, so neither relies on hue alone
// (the palette is the colour-blind-safe Tableau 10's blue and orange).
constexpr const char* OUTER_BAND = "#c6dbef";
constexpr const char* INNER_BAND = "#6baed6";
constexpr const char* MEDIAN = "#08306b";
constexpr const char* MEAN = "#4d4d4d";
constexpr const char* TARGET = "#e6550d";
constexpr const char* ACTUAL = "#000000";
constexpr int WIDTH = 500;
constexpr int HEIGHT = 220;

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// JSON inside <script>: "</" would end the element early.
std::string script_json(const Json& j) {
  std::string text = j.dump();
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

enum class Unit { Leads, Dollars, Share, Minutes, Count };

const char* axis_title(Unit unit, bool monthly) {
  switch (unit) {
    case Unit::Leads:
      return monthly ? "Leads per month" : "Leads";
    case Unit::Dollars:
      return monthly ? "$ per month" : "$";
    case Unit::Share:
      return "Share";
    case Unit::Minutes:
      return "Minutes";
    case Unit::Count:
      return monthly ? "Per month" : "Count";
  }
  return "";
}

const char* number_format(Unit unit) {
  switch (unit) {
    case Unit::Dollars:
      return "$,.3s";
    case Unit::Share:
      return ".0%";
    default:
      return ",.4~r";
  }
}

struct Panel {
  std::string id, section, title, metric;
  Json spec;
};

// Every panel's title and look.
void finish(std::vector<Panel>& panels) {
  for (Panel& p : panels) {
    p.spec["title"] = {{"text", p.title}, {"anchor", "start"}, {"fontSize", 13}};
    p.spec["config"] = {{"font", "sans-serif"}, {"view", {{"stroke", nullptr}}}};
  }
}

Json month_axis() {
  return {{"field", "date"},
          {"type", "temporal"},
          {"timeUnit", "yearmonth"},
          {"title", "Month"},
          {"axis", {{"format", "%b %Y"}, {"labelAngle", 0}}}};
}

// The fan of one metric's monthly statistics, with a line per target value.
Json fan_spec(const models::Forecast& f, std::size_t k, Unit unit,
              const std::vector<std::pair<std::string, double>>& targets,
              const std::vector<std::pair<std::string, double>>* actuals = nullptr) {
  const engine::PeriodStats& s = f.monthly[k];
  Json values = Json::array();
  for (std::size_t m = 0; m < f.months.size(); ++m)
    values.push_back({{"month", f.months[m]},
                      {"date", f.months[m] + "-01"},
                      {"mean", s.mean[m]},
                      {"p05", s.p05[m]},
                      {"p25", s.p25[m]},
                      {"p50", s.p50[m]},
                      {"p75", s.p75[m]},
                      {"p95", s.p95[m]}});
  const std::string format = number_format(unit);
  const Json y_title = axis_title(unit, true);
  auto y = [&](const char* field) {
    return Json{{"field", field},
                {"type", "quantitative"},
                {"title", y_title},
                {"axis", {{"format", format}}}};
  };
  Json tooltip = Json::array({{{"field", "date"},
                               {"type", "temporal"},
                               {"timeUnit", "yearmonth"},
                               {"title", "Month"},
                               {"format", "%B %Y"}}});
  for (const char* field : {"p05", "p25", "p50", "mean", "p75", "p95"})
    tooltip.push_back(
        {{"field", field},
         {"type", "quantitative"},
         {"title", std::string(field) == "mean" ? "mean" : std::string("P") + (field + 1)},
         {"format", format}});
  // The x encoding is per layer: a target's rule has no month and spans the chart.
  Json layers = Json::array();
  layers.push_back(
      {{"mark", {{"type", "area"}, {"color", OUTER_BAND}}},
       {"encoding", {{"x", month_axis()}, {"y", y("p05")}, {"y2", {{"field", "p95"}}}}}});
  layers.push_back(
      {{"mark", {{"type", "area"}, {"color", INNER_BAND}}},
       {"encoding", {{"x", month_axis()}, {"y", y("p25")}, {"y2", {{"field", "p75"}}}}}});
  layers.push_back({{"mark", {{"type", "line"}, {"color", MEDIAN}, {"strokeWidth", 2}}},
                    {"encoding", {{"x", month_axis()}, {"y", y("p50")}}}});
  layers.push_back(
      {{"mark", {{"type", "line"}, {"color", MEAN}, {"strokeDash", {5, 3}}, {"strokeWidth", 1.5}}},
       {"encoding", {{"x", month_axis()}, {"y", y("mean")}}}});
  // Points carry the tooltip: one per month on the median, with every statistic.
  layers.push_back(
      {{"mark", {{"type", "point"}, {"color", MEDIAN}, {"filled", true}, {"size", 30}}},
       {"encoding", {{"x", month_axis()}, {"y", y("p50")}, {"tooltip", tooltip}}}});
  if (actuals && !actuals->empty()) {
    // What happened: black points joined by a thin line, on their own data.
    Json observed = Json::array();
    for (const auto& [month, value] : *actuals)
      observed.push_back({{"month", month}, {"date", month + "-01"}, {"actual", value}});
    Json tip = Json::array(
        {{{"field", "date"},
          {"type", "temporal"},
          {"timeUnit", "yearmonth"},
          {"title", "Month"},
          {"format", "%B %Y"}},
         {{"field", "actual"}, {"type", "quantitative"}, {"title", "actual"}, {"format", format}}});
    layers.push_back({{"data", {{"values", observed}}},
                      {"mark", {{"type", "line"}, {"color", ACTUAL}, {"strokeWidth", 1}}},
                      {"encoding", {{"x", month_axis()}, {"y", y("actual")}}}});
    layers.push_back(
        {{"data", {{"values", observed}}},
         {"mark", {{"type", "point"}, {"color", ACTUAL}, {"filled", true}, {"size", 36}}},
         {"encoding", {{"x", month_axis()}, {"y", y("actual")}, {"tooltip", tip}}}});
  }
  for (const auto& [label, value] : targets)
    layers.push_back(
        {{"data", {{"values", Json::array({{{"target", value}, {"label", label}}})}}},
         {"mark",
          {{"type", "rule"}, {"color", TARGET}, {"strokeDash", {8, 3, 2, 3}}, {"strokeWidth", 2}}},
         {"encoding",
          {{"y", {{"field", "target"}, {"type", "quantitative"}}},
           {"tooltip", Json::array({{{"field", "label"}, {"title", "Target"}},
                                    {{"field", "target"},
                                     {"type", "quantitative"},
                                     {"title", "Value"},
                                     {"format", format}}})}}}});
  return {{"width", WIDTH}, {"height", HEIGHT}, {"data", {{"values", values}}}, {"layer", layers}};
}

// Year to date at each quarter end: per replication the sum of the months so far, then its
// mean and P10, P50, P90 (bars with a P10-P90 whisker).
Json year_to_date_spec(const models::Forecast& f, std::size_t k) {
  Json values = Json::array();
  const std::size_t n = f.cube.replications();
  std::vector<double> running(n, 0.0);
  std::size_t done = 0;
  for (std::size_t g = 0; g + 1 < f.total_labels.size(); ++g) {
    for (std::size_t m : f.total_groups[g])
      for (std::size_t r = 0; r < n; ++r) running[r] += f.cube.at(r, m, k);
    done += f.total_groups[g].size();
    std::vector<double> sorted = running;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0.0;
    for (double x : running) sum += x;
    values.push_back({{"quarter", f.total_labels[g]},
                      {"months", done},
                      {"mean", n > 0 ? sum / static_cast<double>(n) : 0.0},
                      {"p10", engine::quantile_sorted(sorted, 0.10)},
                      {"p50", engine::quantile_sorted(sorted, 0.50)},
                      {"p90", engine::quantile_sorted(sorted, 0.90)}});
  }
  const char* format = number_format(Unit::Dollars);
  Json x = {{"field", "quarter"},
            {"type", "ordinal"},
            {"title", "Year to date at the end of"},
            {"axis", {{"labelAngle", 0}}}};
  Json tooltip = Json::array({{{"field", "quarter"}, {"title", "Quarter"}}});
  for (const char* field : {"p10", "p50", "mean", "p90"})
    tooltip.push_back({{"field", field}, {"type", "quantitative"}, {"format", format}});
  return {
      {"width", WIDTH},
      {"height", HEIGHT},
      {"data", {{"values", values}}},
      {"encoding", {{"x", x}}},
      {"layer", Json::array({{{"mark", {{"type", "bar"}, {"color", INNER_BAND}}},
                              {"encoding",
                               {{"y",
                                 {{"field", "mean"},
                                  {"type", "quantitative"},
                                  {"title", "$ year to date (mean; whisker P10-P90)"},
                                  {"axis", {{"format", format}}}}},
                                {"tooltip", tooltip}}}},
                             {{"mark", {{"type", "rule"}, {"color", MEDIAN}, {"strokeWidth", 2}}},
                              {"encoding",
                               {{"y", {{"field", "p10"}, {"type", "quantitative"}}},
                                {"y2", {{"field", "p90"}}}}}}})}};
}

// Mean per month as bars (a valve's firings or leads).
Json bars_spec(const models::Forecast& f, std::size_t k, const std::string& y_title) {
  Json values = Json::array();
  for (std::size_t m = 0; m < f.months.size(); ++m)
    values.push_back({{"month", f.months[m]},
                      {"date", f.months[m] + "-01"},
                      {"mean", f.monthly[k].mean[m]},
                      {"p10", f.monthly[k].p10[m]},
                      {"p90", f.monthly[k].p90[m]}});
  return {{"width", WIDTH},
          {"height", HEIGHT},
          {"data", {{"values", values}}},
          {"mark", {{"type", "bar"}, {"color", INNER_BAND}, {"stroke", MEDIAN}}},
          {"encoding",
           {{"x", month_axis()},
            {"y", {{"field", "mean"}, {"type", "quantitative"}, {"title", y_title}}},
            {"tooltip", Json::array({{{"field", "month"}, {"title", "Month"}},
                                     {{"field", "mean"}, {"format", ",.4~r"}},
                                     {{"field", "p10"}, {"title", "P10"}},
                                     {{"field", "p90"}, {"title", "P90"}}})}}}};
}

bool has_metric(const models::Forecast& f, const std::string& name) {
  const auto& names = f.cube.metric_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<Panel> panels_of(const models::Scenario& sc, const models::Forecast& f,
                             const Actuals& actuals) {
  auto actual = [&](const std::string& metric) {
    const auto it = actuals.find(metric);
    return it == actuals.end() ? nullptr : &it->second;
  };
  std::vector<Panel> panels;
  auto add = [&](const std::string& section, const std::string& title, const std::string& metric,
                 Json spec) {
    panels.push_back(
        {"panel-" + std::to_string(panels.size() + 1), section, title, metric, std::move(spec)});
  };
  // Targets drawn on a metric: the SLA's monthly values on it.
  auto targets_on = [&](const std::string& metric) {
    std::vector<std::pair<std::string, double>> lines;
    if (!sc.sla.defined) return lines;
    for (const auto& t : sc.sla.targets)
      if (t.metric == metric)
        lines.emplace_back(
            (t.label.empty() ? t.id : t.label) +
                (t.direction == models::SlaTarget::Direction::AtLeast ? " (at least)"
                                                                      : " (at most)"),
            t.value);
    return lines;
  };
  for (const auto& stage : sc.stages) {
    const std::string metric = "volume." + stage.id;
    add("Volumes by stage", (stage.label.empty() ? stage.id : stage.label) + ": leads entering",
        metric,
        fan_spec(f, f.cube.metric_index(metric), Unit::Leads, targets_on(metric), actual(metric)));
  }
  for (const auto& [metric, title] :
       {std::pair<std::string, std::string>{"pipeline.created", "Pipeline created"},
        std::pair<std::string, std::string>{"bookings", "Bookings"}}) {
    const std::size_t k = f.cube.metric_index(metric);
    add("Pipeline and bookings", title + " ($ per month)", metric,
        fan_spec(f, k, Unit::Dollars, targets_on(metric), actual(metric)));
    add("Pipeline and bookings", title + ": year to date by quarter ($)", metric,
        year_to_date_spec(f, k));
  }
  for (const auto& pool : sc.capacity.pools) {
    const std::string section = "Capacity: " + (pool.label.empty() ? pool.id : pool.label);
    const std::string base = "queue." + pool.id + ".";
    const std::string utilisation = "capacity." + pool.id + ".utilisation";
    add(section, "Utilisation: rep time worked over rep time at work", utilisation,
        fan_spec(f, f.cube.metric_index(utilisation), Unit::Share, targets_on(utilisation)));
    add(section, "Leads waiting for a first attempt at month end", base + "backlog",
        fan_spec(f, f.cube.metric_index(base + "backlog"), Unit::Leads,
                 targets_on(base + "backlog")));
    add(section, "First response, median minutes (by arrival month)", base + "response_p50_minutes",
        fan_spec(f, f.cube.metric_index(base + "response_p50_minutes"), Unit::Minutes,
                 targets_on(base + "response_p50_minutes")));
    add(section,
        "Share first contacted within " + std::to_string(static_cast<int>(pool.sla_minutes)) +
            " minutes",
        base + "within_sla",
        fan_spec(f, f.cube.metric_index(base + "within_sla"), Unit::Share,
                 targets_on(base + "within_sla")));
  }
  const models::Valves& v = sc.valves;
  for (const auto& p : v.reserve_programmes) {
    add("Valves", "Reserve programme " + p.id + ": inquiries added (mean per month)",
        "valve." + p.id + ".leads",
        bars_spec(f, f.cube.metric_index("valve." + p.id + ".leads"), "Inquiries per month"));
  }
  for (const auto& c : v.cold_lists)
    add("Valves", "Cold list " + c.id + ": leads made (mean per month)", "valve." + c.id + ".leads",
        bars_spec(f, f.cube.metric_index("valve." + c.id + ".leads"), "Leads per month"));
  for (const auto& n : v.named_accounts)
    add("Valves", "Named accounts " + n.id + ": opportunities opened (mean per month)",
        "valve." + n.id + ".opportunities",
        bars_spec(f, f.cube.metric_index("valve." + n.id + ".opportunities"),
                  "Opportunities per month"));
  for (Panel& p : panels)
    if (!has_metric(f, p.metric)) throw std::logic_error("report: no metric " + p.metric);
  finish(panels);
  return panels;
}

std::string format_number(double x, bool share) {
  char buf[64];
  if (share)
    std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  else if (std::abs(x) >= 100.0)
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

std::string sla_tables(const models::Scenario& sc, const models::Forecast& f) {
  if (!sc.sla.defined || sc.sla.targets.empty()) return "";
  const double q = sc.sla.confidence;
  std::string html = "<section><h2>SLA commitments at " + format_number(q, true) +
                     " confidence</h2>\n<p>The commitment is the largest value the metric "
                     "reaches (for an upper limit, the smallest it stays under) in at least "
                     "that share of the simulated futures; P(meet) is the share that meet the "
                     "target as written (quarters and year: the monthly value times the "
                     "months for volumes).</p>\n";
  for (const auto& t : sc.sla.targets) {
    const models::CommitmentTable table = models::commitment_table(f, t, q);
    const bool share = t.metric.ends_with("within_sla") || t.metric.ends_with("utilisation");
    html += "<table class=\"sla\"><caption>" + escape_html(t.label.empty() ? t.id : t.label) +
            " <code>" + escape_html(t.metric) + "</code></caption>\n<thead><tr><th>period</th>" +
            "<th>commitment</th><th>mean</th><th>target</th><th>P(meet)</th></tr></thead><tbody>\n";
    for (std::size_t i = 0; i < table.labels.size(); ++i)
      html += "<tr><td>" + table.labels[i] + "</td><td>" + format_number(table.commit[i], share) +
              "</td><td>" + format_number(table.mean[i], share) + "</td><td>" +
              format_number(table.written[i], share) + "</td><td>" +
              format_number(table.p_meet[i], true) + "</td></tr>\n";
    html += "</tbody></table>\n";
  }
  return html + "</section>\n";
}

constexpr const char* STYLE =
    R"(body{font-family:sans-serif;margin:24px;color:#1a1a1a;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.meta{color:#444;font-size:13px}.panels{display:flex;flex-wrap:wrap;gap:16px}
.panel{flex:0 0 auto;min-height:280px}table.sla{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
table.sla td,table.sla th{border:1px solid #bbb;padding:2px 8px;text-align:right}
table.sla caption{text-align:left;font-weight:bold;padding:4px 0}pre{font-size:12px;background:#f6f6f6;padding:8px;overflow:auto}
.legend{font-size:13px;color:#333}@media print{.panel{break-inside:avoid}})";

// Draws every panel; a chart that fails to render leaves its error in the panel, visibly.
constexpr const char* DRAW = R"(
(function () {
  var report = JSON.parse(document.getElementById('funnelsim-report').textContent);
  report.panels.forEach(function (p) {
    vegaEmbed('#' + p.id, p.spec, {actions: false, renderer: 'svg'}).catch(function (e) {
      document.getElementById(p.id).textContent = 'Chart failed: ' + e;
      console.error(e);
    });
  });
})();
)";

}  // namespace

bool libraries_available() {
  return !vega_js().empty() && !vega_lite_js().empty() && !vega_embed_js().empty();
}

namespace {

void require_libraries() {
  if (!libraries_available())
    throw std::runtime_error(
        "the HTML report needs Vega, Vega-Lite and vega-embed, which this build of funnelsim "
        "does not contain: run `bash tools/setup.sh build` (it installs them with npm into "
        "tools/report/node_modules) and build again");
}

std::string scenario_label(const models::Scenario& sc) {
  std::string text = sc.file_name.empty() ? "<default>" : sc.file_name;
  for (const std::string& o : sc.overrides) text += " --set " + o;
  return text;
}

// What every report page holds: a title, what was run, a legend, the scenario texts, the
// panels by section, then any tables.
struct Page {
  std::string title;
  std::string format;  ///< the document's format, e.g. funnelsim.report
  std::string run;     ///< one sentence: what was run (escaped here)
  std::string legend;  ///< escaped here
  std::vector<std::pair<std::string, const models::Scenario*>> scenarios;  ///< label, scenario
  engine::RunConfig config;
  std::string run_date;  ///< YYYY-MM-DD; empty: not recorded
  Json extra;            ///< more fields of the JSON document
  std::string after;     ///< HTML after the panels (tables), already escaped
};

std::string render(const Page& page, const std::vector<Panel>& panels) {
  Json document;
  document["format"] = page.format;
  document["format_version"] = "1.0";
  document["engine_version"] = ENGINE_VERSION;
  document["title"] = page.title;
  document["seed"] = page.config.seed;
  document["first_replication"] = page.config.first_replication;
  document["replications"] = page.config.replications;
  document["run_date"] = page.run_date;
  for (const auto& [key, value] : page.extra.items()) document[key] = value;
  Json list = Json::array();
  for (const Panel& p : panels)
    list.push_back({{"id", p.id},
                    {"section", p.section},
                    {"title", p.title},
                    {"metric", p.metric},
                    {"spec", p.spec}});
  document["panels"] = list;

  std::string html;
  html.reserve(vega_js().size() + vega_lite_js().size() + vega_embed_js().size() + (1 << 20));
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  html += "funnelsim: " + escape_html(page.title) + "</title>\n<style>";
  html += STYLE;
  html += "</style>\n";
  for (std::string_view library : {vega_js(), vega_lite_js(), vega_embed_js()}) {
    html += "<script data-library>";
    html += library;
    html += "</script>\n";
  }
  html += "</head>\n<body>\n<header>\n<h1>" + escape_html(page.title) + "</h1>\n";
  html += "<p class=\"meta\">" + escape_html(page.run) + " Run on " +
          (page.run_date.empty() ? std::string("an unrecorded date") : page.run_date) + ".</p>\n";
  html += "<p class=\"legend\">" + escape_html(page.legend) + "</p>\n";
  for (const auto& [label, scenario] : page.scenarios)
    html += "<details><summary>" + escape_html(label) + "</summary>\n<pre>" +
            escape_html(scenario->text) + "</pre></details>\n";
  html += "</header>\n";
  std::string section;
  for (const Panel& p : panels) {
    if (p.section != section) {
      if (!section.empty()) html += "</div></section>\n";
      section = p.section;
      html += "<section><h2>" + escape_html(section) + "</h2><div class=\"panels\">\n";
    }
    html += "<div class=\"panel\" id=\"" + p.id + "\" data-metric=\"" + escape_html(p.metric) +
            "\"></div>\n";
  }
  if (!section.empty()) html += "</div></section>\n";
  html += page.after;
  html += "<script type=\"application/json\" id=\"funnelsim-report\">" + script_json(document) +
          "</script>\n<script>";
  html += DRAW;
  html += "</script>\n</body>\n</html>\n";
  return html;
}

std::string run_sentence(const std::string& what, const std::vector<std::string>& months,
                         const engine::RunConfig& config) {
  return what + " of " + std::to_string(months.size()) + " months from " +
         (months.empty() ? std::string("-") : months.front()) + ": " +
         std::to_string(config.replications) + " replications from " +
         std::to_string(config.first_replication) + ", seed " + std::to_string(config.seed) +
         ", funnelsim " + ENGINE_VERSION + ".";
}

// The variant - base difference of one metric per month: the paired mean and its 90% band.
Json difference_spec(const models::Comparison& c, std::size_t i, const std::string& metric) {
  const engine::DifferenceStats& d = c.monthly[i];
  const bool dollars = metric == "pipeline.created" || metric == "bookings" ||
                       metric.find("cost") != std::string::npos;
  const char* format = number_format(dollars ? Unit::Dollars : Unit::Count);
  Json values = Json::array();
  for (std::size_t m = 0; m < c.variant.months.size(); ++m)
    values.push_back({{"month", c.variant.months[m]},
                      {"date", c.variant.months[m] + "-01"},
                      {"mean", d.mean[m]},
                      {"lo90", d.lo90[m]},
                      {"hi90", d.hi90[m]},
                      {"p_higher", d.p_higher[m]}});
  const Json y_title = dollars ? "Variant - base ($ per month)" : "Variant - base (per month)";
  Json tooltip =
      Json::array({{{"field", "date"},
                    {"type", "temporal"},
                    {"timeUnit", "yearmonth"},
                    {"title", "Month"},
                    {"format", "%B %Y"}},
                   {{"field", "mean"}, {"title", "difference"}, {"format", format}},
                   {{"field", "lo90"}, {"title", "90% from"}, {"format", format}},
                   {{"field", "hi90"}, {"title", "90% to"}, {"format", format}},
                   {{"field", "p_higher"}, {"title", "P(variant higher)"}, {"format", ".0%"}}});
  auto y = [&](const char* field) {
    return Json{{"field", field},
                {"type", "quantitative"},
                {"title", y_title},
                {"axis", {{"format", format}}}};
  };
  Json layers = Json::array();
  layers.push_back(
      {{"mark", {{"type", "area"}, {"color", INNER_BAND}}},
       {"encoding", {{"x", month_axis()}, {"y", y("lo90")}, {"y2", {{"field", "hi90"}}}}}});
  layers.push_back({{"mark", {{"type", "line"}, {"color", MEDIAN}, {"strokeWidth", 2}}},
                    {"encoding", {{"x", month_axis()}, {"y", y("mean")}}}});
  layers.push_back(
      {{"mark", {{"type", "point"}, {"color", MEDIAN}, {"filled", true}, {"size", 30}}},
       {"encoding", {{"x", month_axis()}, {"y", y("mean")}, {"tooltip", tooltip}}}});
  layers.push_back({{"data", {{"values", Json::array({{{"zero", 0}}})}}},
                    {"mark", {{"type", "rule"}, {"color", MEAN}, {"strokeDash", {4, 4}}}},
                    {"encoding", {{"y", {{"field", "zero"}, {"type", "quantitative"}}}}}});
  return {{"width", WIDTH}, {"height", HEIGHT}, {"data", {{"values", values}}}, {"layer", layers}};
}

}  // namespace

std::string forecast_report(const ForecastReportInput& input) {
  require_libraries();
  const models::Scenario& sc = *input.scenario;
  const models::Forecast& f = *input.forecast;
  const std::vector<Panel> panels = panels_of(sc, f, input.actuals);
  Page page;
  page.title = sc.name;
  page.format = "funnelsim.report";
  page.run =
      run_sentence("Forecast", f.months, input.config) + " Scenario " + scenario_label(sc) + ".";
  page.legend =
      "Fans: the light band holds 90% of the simulated futures (P5-P95), the dark band the "
      "middle half (P25-P75); the solid line is the median, the dashed line the mean; "
      "dash-dotted orange lines are SLA targets. Hover for the numbers." +
      (input.actuals.empty() ? std::string()
                             : " Black points: what happened, from " + input.actuals_source + ".");
  page.scenarios = {
      {"Scenario text (reproduces this report with the seed and replications above)", &sc}};
  page.config = input.config;
  page.run_date = input.run_date;
  page.extra["scenario_name"] = sc.name;
  page.extra["months"] = f.months;
  page.after = sla_tables(sc, f);
  return render(page, panels);
}

std::string comparison_report(const ComparisonReportInput& input) {
  require_libraries();
  const models::Comparison& c = *input.comparison;
  std::vector<std::string> metrics = input.metrics;
  if (metrics.empty()) {
    for (const auto& stage : input.base->stages) metrics.push_back("volume." + stage.id);
    metrics.emplace_back("pipeline.created");
    metrics.emplace_back("bookings");
  }
  std::vector<Panel> panels;
  for (const std::string& metric : metrics) {
    const auto at = std::find(c.metrics.begin(), c.metrics.end(), metric);
    if (at == c.metrics.end()) continue;  // in one scenario only
    const auto i = static_cast<std::size_t>(at - c.metrics.begin());
    panels.push_back({"panel-" + std::to_string(panels.size() + 1), input.section,
                      metric + ": variant - base", metric, difference_spec(c, i, metric)});
  }
  finish(panels);
  Page page;
  page.title =
      input.title.empty() ? input.variant->name + " against " + input.base->name : input.title;
  page.format = "funnelsim.comparison_report";
  page.run = run_sentence("Paired comparison", c.variant.months, input.config) + " Base " +
             scenario_label(*input.base) + "; variant " + scenario_label(*input.variant) + ".";
  page.legend =
      "Each chart is the variant's value minus the base's, replication by replication on the "
      "same random numbers: the line is the mean difference, the band its 90% interval, the "
      "dashed line zero. Hover for the numbers and P(variant higher).";
  page.scenarios = {{"Base scenario text", input.base}, {"Variant scenario text", input.variant}};
  page.config = input.config;
  page.run_date = input.run_date;
  page.extra["months"] = c.variant.months;
  return render(page, panels);
}

std::string tornado_report(const TornadoReportInput& input) {
  require_libraries();
  Json values = Json::array();
  for (std::size_t i = 0; i < input.bars.size(); ++i) {
    const TornadoBar& b = input.bars[i];
    for (int end = 0; end < 2; ++end)
      values.push_back({{"lever", b.lever},
                        {"rank", i},
                        {"end", end == 0 ? "low" : "high"},
                        {"value", end == 0 ? b.low_value : b.high_value},
                        {"change", end == 0 ? b.low_change : b.high_change},
                        {"lo90", end == 0 ? b.low_lo : b.high_lo},
                        {"hi90", end == 0 ? b.low_hi : b.high_hi}});
  }
  const std::string x_title = input.metric + ", " + input.period + ": change from the base mean";
  Json y = {{"field", "lever"},
            {"type", "nominal"},
            {"sort", {{"field", "rank"}, {"op", "min"}, {"order", "ascending"}}},
            {"title", nullptr},
            {"axis", {{"labelLimit", 360}}}};
  Json spec = {
      {"width", WIDTH},
      {"height", {{"step", 18}}},
      {"data", {{"values", values}}},
      {"layer",
       Json::array(
           {{{"mark", {{"type", "bar"}, {"stroke", MEDIAN}, {"strokeWidth", 0.5}}},
             {"encoding",
              {{"y", y},
               {"x", {{"field", "change"}, {"type", "quantitative"}, {"title", x_title}}},
               {"color",
                {{"field", "end"},
                 {"type", "nominal"},
                 {"title", "lever at"},
                 {"scale", {{"domain", {"low", "high"}}, {"range", {OUTER_BAND, INNER_BAND}}}}}},
               {"tooltip", Json::array({{{"field", "lever"}},
                                        {{"field", "end"}, {"title", "swung to"}},
                                        {{"field", "value"}, {"title", "lever value"}},
                                        {{"field", "change"}, {"format", ",.4~r"}},
                                        {{"field", "lo90"}, {"title", "90% from"}},
                                        {{"field", "hi90"}, {"title", "90% to"}}})}}}},
            {{"data", {{"values", Json::array({{{"zero", 0}}})}}},
             {"mark", {{"type", "rule"}, {"color", MEAN}}},
             {"encoding", {{"x", {{"field", "zero"}, {"type", "quantitative"}}}}}}})}};
  std::vector<Panel> panels = {
      {"panel-1", "Tornado", "What moves " + input.metric + " most", input.metric, spec}};
  finish(panels);
  Page page;
  page.title = input.scenario->name + ": what moves " + input.metric;
  page.format = "funnelsim.sensitivity_report";
  page.run = "Each lever swung by " + std::to_string(static_cast<int>(100.0 * input.swing + 0.5)) +
             "% each way, every run on " + std::to_string(input.config.replications) +
             " replications from " + std::to_string(input.config.first_replication) + " (seed " +
             std::to_string(input.config.seed) + "), funnelsim " + ENGINE_VERSION + ". Base mean " +
             format_number(input.base_mean, false) + ". Scenario " +
             scenario_label(*input.scenario) + ".";
  page.legend =
      "Bars: the change in the metric's mean when the lever is at the low (light) or high "
      "(dark) end of its swing, paired with the base run; levers by the size of their effect.";
  page.scenarios = {{"Scenario text", input.scenario}};
  page.config = input.config;
  page.run_date = input.run_date;
  page.extra["metric"] = input.metric;
  page.extra["period"] = input.period;
  return render(page, panels);
}

std::string backtest_report(const BacktestReportInput& input) {
  require_libraries();
  const calibration::Backtest& bt = *input.backtest;
  std::vector<Panel> panels;
  const std::string level80 = "80%";
  for (std::size_t k = 0; k < bt.metrics.size(); ++k) {
    const calibration::MetricScores& score = bt.scores[k];
    if (score.points == 0) continue;
    const std::string& metric = bt.metrics[k];
    const Unit unit = metric.starts_with("volume.") ? Unit::Leads : Unit::Dollars;
    const std::string format = number_format(unit);
    Json values = Json::array();
    for (const calibration::BacktestPoint& p : bt.points) {
      if (p.metric != k || p.step != 1) continue;
      const std::string month = calibration::month_label(p.origin);
      values.push_back({{"month", month},
                        {"date", month + "-01"},
                        {"actual", p.actual},
                        {"median", p.median},
                        {"lower", p.lower[1]},
                        {"upper", p.upper[1]},
                        {"covered", p.covered[1] ? "yes" : "no"}});
    }
    auto y = [&](const char* field) {
      return Json{{"field", field},
                  {"type", "quantitative"},
                  {"title", axis_title(unit, true)},
                  {"axis", {{"format", format}}}};
    };
    Json tooltip = Json::array(
        {{{"field", "date"},
          {"type", "temporal"},
          {"timeUnit", "yearmonth"},
          {"title", "Month"},
          {"format", "%B %Y"}},
         {{"field", "actual"}, {"type", "quantitative"}, {"format", format}},
         {{"field", "median"}, {"type", "quantitative"}, {"format", format}},
         {{"field", "lower"}, {"type", "quantitative"}, {"title", "P10"}, {"format", format}},
         {{"field", "upper"}, {"type", "quantitative"}, {"title", "P90"}, {"format", format}},
         {{"field", "covered"}, {"title", "inside the 80% interval"}}});
    Json layers = Json::array();
    layers.push_back(
        {{"mark", {{"type", "area"}, {"color", INNER_BAND}}},
         {"encoding", {{"x", month_axis()}, {"y", y("lower")}, {"y2", {{"field", "upper"}}}}}});
    layers.push_back({{"mark", {{"type", "line"}, {"color", MEDIAN}, {"strokeWidth", 2}}},
                      {"encoding", {{"x", month_axis()}, {"y", y("median")}}}});
    layers.push_back(
        {{"mark", {{"type", "point"}, {"color", ACTUAL}, {"filled", true}, {"size", 36}}},
         {"encoding",
          {{"x", month_axis()},
           {"y", y("actual")},
           {"shape",
            {{"field", "covered"},
             {"type", "nominal"},
             {"title", "Inside 80%"},
             {"scale", {{"domain", {"yes", "no"}}, {"range", {"circle", "cross"}}}}}},
           {"tooltip", tooltip}}}});
    char coverage[160];
    std::snprintf(coverage, sizeof coverage,
                  "%s: one month ahead against actual; the 80%% interval covered %.0f%% of %zu "
                  "months (all steps)",
                  metric.c_str(), 100.0 * score.coverage[1], score.points);
    panels.push_back({"panel-" + std::to_string(panels.size() + 1),
                      "Forecasts against actuals",
                      coverage,
                      metric,
                      {{"width", WIDTH},
                       {"height", HEIGHT},
                       {"data", {{"values", values}}},
                       {"layer", layers}}});
  }
  // Coverage of every metric at each level, the level drawn as a dashed rule of its colour.
  Json cover = Json::array();
  Json rules = Json::array();
  for (std::size_t l = 0; l < calibration::BACKTEST_LEVELS.size(); ++l) {
    const std::string level =
        std::to_string(static_cast<int>(100 * calibration::BACKTEST_LEVELS[l] + 0.5)) + "%";
    rules.push_back({{"level", level}, {"nominal", calibration::BACKTEST_LEVELS[l]}});
    for (const calibration::MetricScores& score : bt.scores)
      if (score.points > 0)
        cover.push_back({{"metric", score.metric},
                         {"level", level},
                         {"coverage", score.coverage[l]},
                         {"points", score.points}});
  }
  const Json colour = {{"field", "level"},
                       {"type", "ordinal"},
                       {"title", "Interval"},
                       {"scale", {{"range", {"#9ecae1", "#3182bd", "#08306b"}}}}};
  Json coverage_spec = {
      {"width", WIDTH},
      {"height", HEIGHT},
      {"layer",
       Json::array(
           {{{"data", {{"values", rules}}},
             {"mark", {{"type", "rule"}, {"strokeDash", {6, 3}}}},
             {"encoding",
              {{"y", {{"field", "nominal"}, {"type", "quantitative"}}}, {"color", colour}}}},
            {{"data", {{"values", cover}}},
             {"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
             {"encoding",
              {{"x",
                {{"field", "metric"},
                 {"type", "nominal"},
                 {"sort", nullptr},
                 {"title", "Metric"},
                 {"axis", {{"labelAngle", -30}}}}},
               {"y",
                {{"field", "coverage"},
                 {"type", "quantitative"},
                 {"title", "Share of actuals inside"},
                 {"scale", {{"domain", {0, 1}}}},
                 {"axis", {{"format", ".0%"}}}}},
               {"color", colour},
               {"shape", {{"field", "level"}, {"type", "nominal"}, {"title", "Interval"}}},
               {"tooltip",
                Json::array({{{"field", "metric"}},
                             {{"field", "level"}, {"title", "interval"}},
                             {{"field", "coverage"}, {"type", "quantitative"}, {"format", ".1%"}},
                             {{"field", "points"}, {"type", "quantitative"}}})}}}}})}};
  panels.push_back({"panel-" + std::to_string(panels.size() + 1), "Coverage",
                    "Coverage by metric: a calibrated forecast sits on its dashed line", "coverage",
                    coverage_spec});
  finish(panels);
  Page page;
  page.title = "Backtest of " + input.history;
  page.format = "funnelsim.backtest_report";
  page.run = "Backtest of " + std::to_string(bt.origins.size()) + " origins (" +
             calibration::month_label(bt.origins.front()) + " .. " +
             calibration::month_label(bt.origins.back()) + "), each calibrated on the history " +
             "before it and forecast " + std::to_string(input.horizon) +
             " months: " + std::to_string(input.config.replications) + " replications, seed " +
             std::to_string(input.config.seed) + ", funnelsim " + ENGINE_VERSION +
             ". Structure scenario " + scenario_label(*input.structure) + ".";
  page.legend =
      "Each chart: for every origin month, the forecast made from the history before it (line: "
      "median; band: the 80% interval, P10-P90) and what happened (black: a circle inside the "
      "interval, a cross outside). The last chart: the share of actual months inside each "
      "interval, against the level it should reach.";
  page.scenarios = {{"Structure scenario text (stage names and calendar)", input.structure}};
  page.config = input.config;
  page.run_date = input.run_date;
  Json origins = Json::array();
  for (int m : bt.origins) origins.push_back(calibration::month_label(m));
  page.extra["origins"] = origins;
  page.extra["horizon"] = input.horizon;
  return render(page, panels);
}

void write_backtest_report(const std::string& path, const BacktestReportInput& input) {
  engine::write_file_atomically(path, backtest_report(input));
}

void write_forecast_report(const std::string& path, const ForecastReportInput& input) {
  engine::write_file_atomically(path, forecast_report(input));
}

void write_comparison_report(const std::string& path, const ComparisonReportInput& input) {
  engine::write_file_atomically(path, comparison_report(input));
}

void write_tornado_report(const std::string& path, const TornadoReportInput& input) {
  engine::write_file_atomically(path, tornado_report(input));
}

}  // namespace funnelsim::report
