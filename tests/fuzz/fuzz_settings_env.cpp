// libFuzzer target: the environment layer of the settings model. The input is split into NAME=VALUE
// lines; names are prefixed with JVMINIT_ half of the time so known and unknown variables are both hit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace jvminit::config;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    SettingsInput input;
    std::vector<std::pair<std::string, std::string>> environment;
    std::size_t start = 0;
    bool prefix = false;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        std::size_t eq = line.find('=');
        std::string name(line.substr(0, eq));
        std::string value(eq == std::string_view::npos ? std::string_view() : line.substr(eq + 1));
        if (prefix) name = "JVMINIT_" + name;
        prefix = !prefix;
        environment.emplace_back(name, value);
        // The same text as a flag: "--" + lower-case name.
        input.flags.emplace_back("--" + std::string(line.substr(0, eq)), value);
        start = end + 1;
    }
    Environment variables;
    for (const auto& [name, value] : environment) variables.push_back({name, value});
    input.environment = variables;
    SettingsResult result = resolve_settings(input);
    for (const auto& error : result.errors)
        if (error.empty()) std::abort();
    // Whatever was accepted shows back in a form the same setting accepts again.
    for (const auto& spec : setting_specs()) {
        Settings copy;
        if (!spec.apply(copy, spec.show(result.settings.values))) std::abort();
    }
    return 0;
}
