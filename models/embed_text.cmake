# Writes INPUT's text into OUTPUT as funnelsim::models::default_scenario_text().
file(READ ${INPUT} TEXT)
string(FIND "${TEXT}" ")funnelsim_yaml\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )funnelsim_yaml\"")
endif()
file(WRITE ${OUTPUT} "// Generated from scenarios/default.yaml by models/embed_text.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace funnelsim::models {\n"
  "std::string_view default_scenario_text() {\n"
  "  static constexpr std::string_view text = R\"funnelsim_yaml(${TEXT})funnelsim_yaml\";\n"
  "  return text;\n}\n}  // namespace funnelsim::models\n")
