// Parsers for the value forms every setting uses, one accepted form each, shared by all layers
// (TOML file, environment, flags). Pure functions: no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jvminit::config {

// A boolean: true/false/1/0/yes/no in any letter case, nothing else (no surrounding spaces).
std::optional<bool> parse_bool(std::string_view text);
inline constexpr std::string_view kBoolForm = "true, false, 1, 0, yes or no";

// A decimal integer in [min, max], digits only (no sign, no spaces, no leading '+').
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max);

// A duration: a non-negative integer followed by one unit, `ms`, `s`, `m` or `h` ("500ms", "10s", "2m").
// Returns milliseconds; nullopt for a missing unit, a fraction, a sign or a value above 24 hours.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
inline constexpr std::string_view kDurationForm =
    "a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)";

// Formats milliseconds back into the shortest exact form parse_duration accepts ("8s", "1500ms").
std::string format_duration(std::chrono::milliseconds duration);

// Levenshtein edit distance between two ASCII strings (case-sensitive), for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace jvminit::config
