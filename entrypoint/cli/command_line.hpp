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
    std::vector<std::pair<std::string, std::string>> flags;  // setting flags in order: {"--debug-port", "6000"}
    std::vector<std::string> program;                        // PROGRAM ARGS... (empty: none given)
};

struct ParseResult {
    CommandLine command_line;
    std::optional<std::string> error;  // one line naming the bad argument and the accepted form
};

// Parses argv (argv[0] is jvminit's own name). Setting flags work before and after `explain`. The
// program starts at `--` or at the first argument that is not an option. A run without a program, an
// unknown option or a missing value is an error. When argv holds no option and no subcommand at all
// (`jvminit [--] PROGRAM...`), the result is built without CLI11 (same result; `allow_shortcut` = false
// forces the CLI11 path, for tests that compare the two).
ParseResult parse_command_line(const std::vector<std::string>& argv, bool allow_shortcut = true);

// The configuration file named on a command line that parse_command_line refused: the last `--config PATH`
// or `--config=PATH` among jvminit's own arguments (before `--` and PROGRAM; a setting flag's value is
// skipped). So that the report of bad input names the file's problems too, from the file the user gave.
// nullopt when none is named.
std::optional<std::string> config_path_in(const std::vector<std::string>& argv);

// The text of --help: usage, subcommands, every setting flag with its variable and default, exit codes.
std::string help_text();

}  // namespace jvminit::cli
