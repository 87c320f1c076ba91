// `jvminit explain`: what jvminit would do, without starting anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/preparation.hpp"

namespace jvminit::app {

// Prints the JDK found, the container limits, every setting with its value and source, the final
// JAVA_TOOL_OPTIONS and one line per option with its origin (or why it is not added); `--json` prints the
// same as one JSON object. Returns the exit status (0, or 2/126/127 as a run would fail).
int explain(const cli::CommandLine& command_line, const Environment& environment);

// The explanation as text and as JSON, from a Preparation and its limits check. Pure.
std::string explanation_text(const Preparation& p, const LimitsCheck& check);
nlohmann::json explanation_json(const Preparation& p, const LimitsCheck& check);

// Every warning of the explanation, in the order shown: the options plan's, the preparation's, the output
// directories', the limits check's, and one of explain's own: a JAVA_TOOL_OPTIONS ("NAME=value" with its
// NUL) over kMaxArgStrlen bytes, which execve(2) refuses (a run fails with exit 126). Pure.
std::vector<std::string> explanation_warnings(const Preparation& p, const LimitsCheck& check);

// "512 MiB (536870912 bytes)" or "unlimited"; "2.5" or "unlimited".
std::string describe_memory_limit(const ContainerLimits& limits);
std::string describe_cpu_limit(const ContainerLimits& limits);

}  // namespace jvminit::app
