// libFuzzer target: the TOML layer of the settings model. Any bytes as a configuration file must give
// either settings or error lines, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace jvminit::config;
    SettingsInput input;
    input.file = ConfigFile{"fuzz.toml", std::string(reinterpret_cast<const char*>(data), size)};
    SettingsResult result = resolve_settings(input);
    // Every setting has a source, and every error is one non-empty line.
    if (result.settings.sources.size() != setting_specs().size()) std::abort();
    for (const auto& error : result.errors)
        if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
}
