// The command line: `jvminit [OPTIONS] [--] PROGRAM [ARGS...]` and `jvminit [OPTIONS] explain [--json] [--
// PROGRAM...]`. Parsed with CLI11; pure (no I/O), so tests can feed it argument vectors.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jvminit::cli {

enum class Command { Run, Explain, Help, Version };

struct CommandLine {
    Command command = Command::Run;
    bool json = false;                                       // explain --json
    std::optional<std::string> config_path;                  // --config PATH
    std::vector<std::pair<std::string, std::string>> flags;  // setting flags in order, each time given (see below)
    std::vector<std::string> program;                        // PROGRAM ARGS... (empty: none given)
};

struct ParseResult {
    CommandLine command_line;
    std::optional<std::string> error;  // one line naming the bad argument and the accepted form
    // The error is only that a run has no PROGRAM: a bad value of a setting flag (own_options_in) may be the
    // cause and the line to show instead (`jvminit --debug-port explain` took the subcommand as a port).
    bool program_missing = false;
};

// Parses argv (argv[0] is jvminit's own name). `flags` holds {"--debug-port", "6000"} each time a setting flag
// is given, in order: the settings check every value and the last one counts. Setting flags work before and after
// `explain`. The program starts at `--` or at the first argument that is not an option. A run without a program, an
// unknown option or a missing value is an error. Two shortcuts, each with the same result: when argv holds
// no option and no subcommand at all (`jvminit [--] PROGRAM...`), the result is built without CLI11;
// otherwise CLI11's parser has only the options and the subcommand argv names. `allow_shortcut` = false
// forces CLI11 with every option, for tests that compare the two.
ParseResult parse_command_line(const std::vector<std::string>& argv, bool allow_shortcut = true);

// What a command line that parse_command_line refused still says of jvminit's settings, so that the report of
// bad input names every problem at once (the file's and the flags' values too): `config_path`, the last
// non-empty `--config PATH` or `--config=PATH`, and `flags`, the known setting flags with their values in order
// (each time; `--name=VALUE`, `--name VALUE`, a boolean `--name` alone is "true"), among jvminit's own arguments
// before `--` and PROGRAM; `program`, the words after `--` when jvminit's own arguments end at it (empty when
// they end at a word: where PROGRAM begins is then unclear). Unknown options and empty values after '=' are left
// to parse_command_line's error.
CommandLine own_options_in(const std::vector<std::string>& argv);

// The text of --help: usage, subcommands, every setting flag with its variable and default, exit codes.
std::string help_text();

}  // namespace jvminit::cli
