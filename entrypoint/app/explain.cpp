#include "app/explain.hpp"

#include <charconv>
#include <iomanip>
#include <sstream>

#include "app/logging.hpp"

namespace jvminit::app {

std::string describe_memory_limit(const ContainerLimits& limits) {
    if (!limits.memory_limit_bytes) return "unlimited";
    return std::to_string(*limits.memory_limit_bytes >> 20) + " MiB (" + std::to_string(*limits.memory_limit_bytes) +
           " bytes)";
}

std::string describe_cpu_limit(const ContainerLimits& limits) {
    if (!limits.cpu_limit) return "unlimited";
    std::ostringstream out;
    out << std::setprecision(3) << *limits.cpu_limit;
    return out.str();
}

namespace {
std::string jdk_line(const Preparation& p) {
    if (!p.jdk.version)
        return (p.jdk.home.empty() ? std::string("not found") : p.jdk.home) + ": version unknown (" + p.jdk.problem +
               "); assuming JDK " + std::to_string(jvm::kAssumedJdkMajor);
    return p.jdk.home + " (" + p.jdk.how_found + "): JAVA_VERSION " + p.jdk.version->text + ", major " +
           std::to_string(p.jdk.version->major);
}
}  // namespace

std::vector<std::string> explanation_warnings(const Preparation& p, const LimitsCheck& c) {
    std::vector<std::string> warnings = p.plan.warnings;
    warnings.insert(warnings.end(), p.warnings.begin(), p.warnings.end());
    warnings.insert(warnings.end(), p.output.warnings.begin(), p.output.warnings.end());
    warnings.insert(warnings.end(), c.warnings.begin(), c.warnings.end());
    // What a run learns only from execve(2)'s E2BIG (describe_launch_failure), said before it.
    if (p.plan.value) {
        const std::size_t entry = std::string_view("JAVA_TOOL_OPTIONS=").size() + p.plan.value->size();
        if (entry + 1 > kMaxArgStrlen)
            warnings.push_back("JAVA_TOOL_OPTIONS would be " + std::to_string(entry) +
                               " bytes; execve(2) takes at most " + std::to_string(kMaxArgStrlen - 1) +
                               " per argument or variable: the launch would fail (exit 126)");
    }
    return warnings;
}

std::string explanation_text(const Preparation& p, const LimitsCheck& c) {
    std::ostringstream out;
    out << "program:            ";
    if (p.program.empty())
        out << "(none given)\n";
    else if (p.program_failure)
        out << p.program_failure->lines.front() << " (a run exits " << p.program_failure->exit_code << ")\n";
    else
        out << p.executable << (p.program_is_java ? " (java)" : "") << "\n";
    out << "JDK:                " << jdk_line(p) << "\n";
    out << "memory limit:       " << describe_memory_limit(c.limits);
    if (c.limits.cgroup_version)
        out << " (cgroup v" << c.limits.cgroup_version << " " << c.limits.memory_cgroup_dir << ")";
    out << "\n";
    out << "CPU limit:          " << describe_cpu_limit(c.limits) << "\n";
    if (c.expected_max_heap_bytes) out << "expected max heap:  " << (*c.expected_max_heap_bytes >> 20) << " MiB\n";
    out << "\nsettings:\n";
    for (const auto& spec : config::setting_specs()) {
        std::string value = spec.show(p.settings.values);
        out << "  " << std::left << std::setw(28) << spec.name() << " = " << std::setw(10)
            << (value.empty() ? "\"\"" : value) << "  " << p.settings.sources.at(spec.name()).describe() << "\n";
    }
    out << "\nJAVA_TOOL_OPTIONS=" << p.plan.value.value_or("(unset)") << "\n";
    for (const auto& added : p.plan.added) out << "  + " << added.option << "    <- " << added.reason << "\n";
    for (const auto& suppressed : p.plan.suppressed)
        out << "  - " << suppressed.option << "    not added: " << suppressed.why << "\n";
    for (const auto& warning : explanation_warnings(p, c)) out << "warning: " << warning << "\n";
    for (const auto& note : p.settings.notes) out << "note: " << note << "\n";
    for (const auto& note : p.settings.without_effect) out << "note: " << note << "\n";
    for (const auto& note : c.limits.notes) out << "note: " << note << "\n";
    return out.str();
}

namespace {
// A setting's value as the JSON type of its TOML key: a boolean, an integer, or a string (durations, paths,
// lists), so that a consumer reads `"value": false` as the file would take it.
nlohmann::json typed_value(const config::SettingSpec& spec, const std::string& text) {
    switch (spec.type) {
        case config::ValueType::Bool:
            if (text == "true" || text == "false") return text == "true";
            break;
        case config::ValueType::Integer: {
            long long number = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (ec == std::errc() && end == text.data() + text.size()) return number;
            break;
        }
        case config::ValueType::String: break;
    }
    return text;
}
}  // namespace

nlohmann::json explanation_json(const Preparation& p, const LimitsCheck& c) {
    using nlohmann::json;
    json j;
    j["program"] = p.program.empty() || p.program_failure ? json(nullptr) : json(p.executable);
    // PROGRAM given but not runnable here: the line a run would print and the status it would exit with.
    j["program_error"] = p.program_failure ? json(p.program_failure->lines.front()) : json(nullptr);
    j["program_exit_code"] = p.program_failure ? json(p.program_failure->exit_code) : json(nullptr);
    j["program_is_java"] = p.program_is_java;
    j["jdk"] = {{"home", p.jdk.home},
                {"found_by", p.jdk.how_found},
                {"version", p.jdk.version ? json(p.jdk.version->text) : json(nullptr)},
                {"major", p.jdk.version ? json(p.jdk.version->major) : json(nullptr)},
                {"assumed_major", p.jdk.effective_major()},
                {"problem", p.jdk.problem}};
    j["container"] = {
        {"cgroup_version", c.limits.cgroup_version},
        {"memory_cgroup", c.limits.memory_cgroup_dir},
        {"memory_limit_bytes", c.limits.memory_limit_bytes ? json(*c.limits.memory_limit_bytes) : json(nullptr)},
        {"cpu_limit", c.limits.cpu_limit ? json(*c.limits.cpu_limit) : json(nullptr)},
        {"notes", c.limits.notes}};
    j["expected_max_heap_bytes"] = c.expected_max_heap_bytes ? json(*c.expected_max_heap_bytes) : json(nullptr);
    json settings = json::object();
    for (const auto& spec : config::setting_specs()) {
        const auto& source = p.settings.sources.at(spec.name());
        settings[spec.name()] = {{"value", typed_value(spec, spec.show(p.settings.values))},
                                 {"source", source.describe()},
                                 {"env", spec.env},
                                 {"flag", spec.flag}};
    }
    j["settings"] = settings;
    j["java_tool_options"] = p.plan.value ? json(*p.plan.value) : json(nullptr);
    json added = json::array();
    for (const auto& a : p.plan.added) added.push_back({{"option", a.option}, {"reason", a.reason}});
    json suppressed = json::array();
    for (const auto& s : p.plan.suppressed) suppressed.push_back({{"option", s.option}, {"why", s.why}});
    j["added"] = added;
    j["suppressed"] = suppressed;
    j["warnings"] = explanation_warnings(p, c);
    j["notes"] = p.settings.notes;
    j["without_effect"] = p.settings.without_effect;
    return j;
}

int explain(const cli::CommandLine& command_line, const Environment& environment) {
    config::SettingsResult loaded = load_settings(command_line, environment);
    if (!loaded.errors.empty()) {
        const Failure report = with_the_rest({}, std::move(loaded), command_line.program, environment);
        for (const auto& line : report.lines) print_error(line);
        return report.exit_code;
    }
    auto prepared = prepare(std::move(loaded.settings), command_line.program, environment, /*dry_run=*/true);
    if (auto* failure = std::get_if<Failure>(&prepared)) {
        for (const auto& line : failure->lines) print_error(line);
        return failure->exit_code;
    }
    const auto& p = std::get<Preparation>(prepared);
    const LimitsCheck check = check_limits(p);
    // A PROGRAM that cannot run here (explain on another machine than the image, a typo): its line, as a run
    // prints it, then the rest of the explanation, and the status a run would exit with.
    if (p.program_failure)
        for (const auto& line : p.program_failure->lines) print_error(line);
    // Paths and options are bytes, not always UTF-8: invalid sequences are shown as U+FFFD, not refused.
    const int printed =
        command_line.json
            ? print_out(explanation_json(p, check).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n")
            : print_out(explanation_text(p, check));
    return printed == 0 && p.program_failure ? p.program_failure->exit_code : printed;
}

}  // namespace jvminit::app
