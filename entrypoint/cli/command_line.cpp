#include "cli/command_line.hpp"

// CLI11's headers include <iostream>, which up to GCC 12 puts a static std::ios_base::Init into every file
// that includes it: that object builds the eight standard streams and the whole "C" locale (wide character
// tables included) when the program starts, about 44,000 instructions or a sixth of a whole
// `jvminit -- /bin/true` (bench/). jvminit writes through stdio; CLI11 writes to std::cout or std::cerr only
// for what jvminit does not use (deprecated and retired options, AutoTimer, App::exit). So this file
// declares the standard streams as <iostream> does, without that object, and a Parser constructs an
// ios_base::Init itself before CLI11 runs (the standard's way to make sure the streams exist,
// [ios.init]): its cost is paid only when there are options to parse. From GCC 13 on, libstdc++ sets the
// streams up inside the library instead, and <iostream> is included as it is.
#if defined(__GLIBCXX__) && defined(_GLIBCXX_RELEASE) && _GLIBCXX_RELEASE < 13 && !defined(_GLIBCXX_IOSTREAM)
#define JVMINIT_LAZY_IOS_INIT 1
#include <istream>
#include <ostream>
#define _GLIBCXX_IOSTREAM 1
namespace std {  // NOLINT(cert-dcl58-cpp): the declarations of libstdc++'s <iostream>, nothing new
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;
extern wistream wcin;
extern wostream wcout;
extern wostream wcerr;
extern wostream wclog;
}  // namespace std
#endif

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <string_view>

#include "config/settings.hpp"
#include "config/values.hpp"

namespace jvminit::cli {

namespace {

// jvminit's subcommands: the words that are not PROGRAM where PROGRAM could start. A new subcommand goes
// here, so that the no-option shortcut and the pre-pass below do not take it for PROGRAM.
constexpr std::array<std::string_view, 1> kSubcommands = {"explain"};

bool is_subcommand(std::string_view word) {
    return std::find(kSubcommands.begin(), kSubcommands.end(), word) != kSubcommands.end();
}

constexpr const char* kDescription =
    "jvminit: PID 1 and launcher for Java containers. Starts PROGRAM as its child, reaps zombies, forwards "
    "signals, stops within a grace period and builds the child's JAVA_TOOL_OPTIONS.";

// CLI11's parser for jvminit. Each option registered costs CLI11 a check against every option before it
// (about 12,000 instructions apiece with its description; the whole parser about 300,000, more than the
// rest of a start; counted with valgrind --tool=callgrind on the static build, bench/): a parse registers
// only the options and the subcommand that words of its command line name (`Scope`, scope_of), whatever role
// the words have, which gives the same result as the whole parser (tests/unit/test_command_line.cpp compares
// them): an option no word names cannot take part in the parse. The help text uses the whole parser.
struct Parser {
    // What to register; an empty optional: everything (the help text, and tests comparing the two).
    struct Scope {
        std::vector<const config::SettingSpec*> settings;  // setting flags some word names
        bool explain = false;                              // a word `explain`
        bool help = false;                                 // a word -h... (CLI11 reads -hx as -h -x) or --help...
        bool version = false;                              // a word --version...
    };

#ifdef JVMINIT_LAZY_IOS_INIT
    std::ios_base::Init streams;  // first: the standard streams exist before CLI11 (see the top of this file)
#endif
    CLI::App app{kDescription, "jvminit"};
    CLI::App* explain = nullptr;
    std::string config_path;
    bool json = false;
    bool version = false;
    // Flag texts, one slot per setting registered, filled by CLI11.
    std::vector<std::pair<const config::SettingSpec*, CLI::Option*>> setting_options;
    std::vector<std::string> values;

    explicit Parser(const std::optional<Scope>& scope = std::nullopt) {
        if (scope && !scope->help) {
            app.set_help_flag();
        } else {
            app.set_help_flag("-h,--help", "Print this help and exit");
        }
        if (!scope || scope->version) app.add_flag("--version", version, "Print jvminit's version and exit");
        app.add_option("--config", config_path,
                       "TOML configuration file (also JVMINIT_CONFIG; default " +
                           std::string(config::kDefaultConfigPath) + " if present)")
            ->type_name("PATH")
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // as a repeated setting flag
        std::vector<const config::SettingSpec*> specs;
        if (scope) {
            specs = scope->settings;
        } else {
            for (const auto& spec : config::setting_specs()) specs.push_back(&spec);
        }
        values.resize(specs.size());
        std::size_t i = 0;
        config::Settings defaults;
        for (const config::SettingSpec* spec : specs) {
            std::string name(spec->flag);
            std::string description = std::string(spec->meaning) + " [" + std::string(spec->env) +
                                      ", default: " + (spec->show(defaults).empty() ? "unset" : spec->show(defaults)) +
                                      "]";
            CLI::Option* option = nullptr;
            if (spec->type == config::ValueType::Bool) {
                // `--debug` alone means true; `--debug=false` is accepted too.
                option = app.add_flag(name, values[i], description)->type_name("[=BOOL]");
            } else {
                option = app.add_option(name, values[i], description)->type_name("VALUE");
            }
            option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
            setting_options.emplace_back(spec, option);
            ++i;
        }
        app.prefix_command();  // PROGRAM and everything after it are PROGRAM's, options included

        if (!scope || scope->explain) {
            explain = app.add_subcommand(std::string(kSubcommands[0]),
                                         "Print the JDK found, the container limits, every setting with its source "
                                         "and the JAVA_TOOL_OPTIONS jvminit would build; starts nothing");
            explain->fallthrough();  // setting flags may follow `explain`
            explain->add_flag("--json", json, "Print the same as JSON");
            explain->prefix_command();
        }
        if (scope) return;
        app.footer(
            "Exit codes: the child's exit code (0 after a requested stop with --stop-exit-zero); 128+N when signal N "
            "killed it; 127 PROGRAM not found; "
            "126 PROGRAM not executable; 2 bad input (nothing started); 1 internal error before start.\n"
            "Environment variables, flags and TOML keys: see README.md, section Settings.");
    }
};

// What the words CLI11 is given (after argv[0]) name: a setting flag as a whole word or before '=', `explain`,
// and the words that begin -h (a group of short options: CLI11 reads -hx as -h then -x), --help or --version.
Parser::Scope scope_of(const std::vector<const char*>& words) {
    Parser::Scope scope;
    for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string_view word = words[i];
        scope.explain = scope.explain || is_subcommand(word);
        scope.help = scope.help || word.starts_with("-h") || word.starts_with("--help");
        scope.version = scope.version || word.starts_with("--version");
        const config::SettingSpec* named = config::find_setting_by_flag(word.substr(0, word.find('=')));
        if (named && std::find(scope.settings.begin(), scope.settings.end(), named) == scope.settings.end())
            scope.settings.push_back(named);
    }
    return scope;
}

// `jvminit -- PROGRAM...` or `jvminit PROGRAM...` (the usual ENTRYPOINT): no option and no subcommand,
// so CLI11 would have nothing to parse, and building its parser is a quarter of jvminit's start-up work
// (bench/results.md). The result is what CLI11 gives for the same argv (tests/unit/test_command_line.cpp).
std::optional<ParseResult> parse_without_options(const std::vector<std::string>& argv) {
    if (argv.size() < 2) return std::nullopt;
    const std::string& first = argv[1];
    const bool separator = first == "--";
    const bool program = !first.empty() && first.front() != '-' && !is_subcommand(first);
    if (!separator && !program) return std::nullopt;
    if (separator && argv.size() == 2) return std::nullopt;  // no PROGRAM: the full parse words the error
    ParseResult result;
    result.command_line.program.assign(argv.begin() + (separator ? 2 : 1), argv.end());
    return result;
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// "unknown option --debgu-port=1 (...); did you mean --debug-port?"
std::string unknown_option_error(const std::string& arg) {
    const std::string given = arg.substr(0, arg.find('='));
    if (given == "--json")
        return "--json is an option of explain: jvminit [OPTIONS] explain --json [-- PROGRAM [ARGS...]]";
    if (given == "--explain")
        return "--explain: explain is a command: jvminit [OPTIONS] explain [-- PROGRAM [ARGS...]]";
    std::vector<std::string> known{"--help", "--version", "--config", "--json"};
    for (const auto& spec : config::setting_specs()) known.emplace_back(spec.flag);
    std::string error = "unknown option " + arg + " (jvminit --help lists the accepted options; PROGRAM goes after --)";
    auto hint = config::name_from_toml_key(given);  // --oom-action, from [oom] action
    if (!hint) hint = config::closest_match(given, known);
    if (hint) error += "; did you mean " + *hint + "?";
    return error;
}

}  // namespace

CommandLine own_options_in(const std::vector<std::string>& argv) {
    CommandLine own;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string& arg = argv[i];
        if (arg == "--" || arg.empty() || arg.front() != '-' || arg == "-") {
            if (is_subcommand(arg)) continue;  // `explain` is jvminit's: options may follow it
            // PROGRAM (or `--` before it): the rest is PROGRAM's. Only a `--` says for sure where it begins.
            if (arg == "--") own.program.assign(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
            break;
        }
        const std::size_t equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        std::optional<std::string> value;
        if (equals != std::string::npos) value = arg.substr(equals + 1);
        const config::SettingSpec* spec = config::find_setting_by_flag(name);
        const bool takes_value = name == "--config" || (spec && spec->type != config::ValueType::Bool);
        // `--stop-timeout -- java` (a shell variable left empty): no value, and `--` stays where PROGRAM begins.
        if (!value && takes_value && i + 1 < argv.size() && argv[i + 1] != "--") value = argv[++i];
        if (!value && spec && spec->type == config::ValueType::Bool) value = "true";
        if (!value || value->empty()) continue;  // a missing or empty value: parse_command_line says so
        if (name == "--config") {
            own.config_path = *value;
        } else if (spec) {
            own.flags.emplace_back(std::string(spec->flag), *value);  // each time: the settings check every one
        }
    }
    return own;
}

ParseResult parse_command_line(const std::vector<std::string>& argv, bool allow_shortcut) {
    if (allow_shortcut)
        if (auto without_options = parse_without_options(argv)) return *without_options;
    ParseResult result;
    // Everything after the first `--` is PROGRAM's; CLI11 sees only what comes before it.
    auto separator = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), std::string("--"));
    // One pass over jvminit's own options, which end where PROGRAM begins (the first word that is neither an
    // option, an option's value nor `explain`):
    //  - CLI11 reads `--opt=` (an empty value) as `--opt` and takes the NEXT argument as the value, so it is
    //    given `--opt ""` instead; `--debug=` (a boolean without a value) is refused;
    //  - `--debug true` is refused: a boolean flag takes its value only after '=', so `true` would become
    //    PROGRAM (and run /bin/true instead of the application).
    static const std::string kEmpty;
    std::vector<const char*> before{argv.empty() ? "jvminit" : argv.front().c_str()};
    bool own = true;
    bool after_explain = false;
    std::optional<std::string> first_unknown;  // reported in its place, once the pass is over
    for (auto it = argv.begin() + (argv.empty() ? 0 : 1); it != separator; ++it) {
        const std::string& arg = *it;
        if (own && is_subcommand(arg) && after_explain) {
            result.error = arg + " given twice: jvminit [OPTIONS] " + arg +
                           " [--json] [-- PROGRAM [ARGS...]] (a PROGRAM named " + arg + " goes after --)";
            return result;
        }
        if (!own || is_subcommand(arg)) {
            after_explain = after_explain || (own && is_subcommand(arg));
            before.push_back(arg.c_str());
            continue;
        }
        if (arg.empty() || arg.front() != '-' || arg == "-") {  // "-" is a word, as getopt(3) takes it
            own = false;                                        // PROGRAM
            before.push_back(arg.c_str());
            continue;
        }
        const bool empty_value = arg.size() > 3 && arg.rfind("--", 0) == 0 && arg.back() == '=';
        const std::string name = empty_value ? arg.substr(0, arg.size() - 1) : arg;
        const config::SettingSpec* spec = config::find_setting_by_flag(name);
        // In order, as getopt(3) reads them: --help and --version act where they stand (nothing after them is
        // read), and an unknown option before them is an error (CLI11 would print the help and exit 0).
        const std::string flag = arg.substr(0, arg.find('='));
        const bool info = flag == "--help" || flag == "-h" || flag == "--version";
        if (info) {
            if (first_unknown) {
                result.error = unknown_option_error(*first_unknown);
            } else if (arg != flag) {
                result.error = arg + ": " + flag + " takes no value";
            } else {
                result.command_line.command = flag == "--version" ? Command::Version : Command::Help;
            }
            return result;
        }
        if (!first_unknown && !config::find_setting_by_flag(flag) && flag != "--config" &&
            !(flag == "--json" && after_explain))
            first_unknown = arg;
        if (first_unknown) {  // in the way of nothing but --help and --version: CLI11 reports it below
            before.push_back(arg.c_str());
            continue;
        }
        const bool is_bool = spec && spec->type == config::ValueType::Bool;
        const bool takes_value = (spec && !is_bool) || name == "--config";
        if (empty_value && is_bool) {
            result.error = arg + ": expected " + std::string(config::kBoolForm) + " after '='";
            return result;
        }
        // CLI11 reads a flag's value "{}" as no value, which a boolean flag turns into true (a trial): the
        // settings never see it, so it is refused here as the settings refuse any other word.
        if (const config::SettingSpec* given = config::find_setting_by_flag(flag);
            given && given->type == config::ValueType::Bool && std::string_view(arg).substr(flag.size()) == "={}") {
            result.error = arg + ": expected " + std::string(config::kBoolForm);
            return result;
        }
        if (empty_value && takes_value) {
            before.push_back(spec ? spec->flag.data() : "--config");
            before.push_back(kEmpty.c_str());
            continue;
        }
        before.push_back(arg.c_str());
        auto next = std::next(it);
        if (takes_value && next == separator) {  // CLI11 would say "1 required VALUE missing", not what it takes
            result.error = arg + ": the value is missing: expected " +
                           (spec ? std::string(spec->accepted) : std::string("the path of a TOML file")) + " (" + arg +
                           " VALUE, or " + arg + "=VALUE)";
            return result;
        }
        if (takes_value && next != separator) {
            before.push_back(next->c_str());  // its value, whatever it looks like
            it = next;
        } else if (is_bool && next != separator && config::parse_bool(*next)) {
            result.error = arg + " " + *next + ": write " + arg + "=" + *next +
                           " (a boolean flag takes its value after '='); a PROGRAM named " + *next + " goes after --";
            return result;
        }
    }
    Parser parser(allow_shortcut ? std::optional(scope_of(before)) : std::nullopt);
    try {
        parser.app.parse(static_cast<int>(before.size()), before.data());
    } catch (const CLI::CallForHelp&) {
        result.command_line.command = Command::Help;
        return result;
    } catch (const CLI::ParseError& e) {
        result.error = first_line(e.what()) + " (jvminit --help lists the accepted options)";
        return result;
    }
    CommandLine& out = result.command_line;
    if (parser.version) {
        out.command = Command::Version;
        return result;
    }
    if (const CLI::Option* config = parser.app.get_option("--config"); config->count() > 0) {
        const auto& given = config->results();  // every --config given: an empty one is refused where it stands
        if (std::find(given.begin(), given.end(), std::string()) != given.end()) {
            result.error = "--config: expected the path of a TOML file, got an empty value";
            return result;
        }
        out.config_path = parser.config_path;
    }
    // Setting flags in command-line order, each time one is given: the settings check every value, and the
    // last one counts (a repeated flag's earlier bad value is bad input too). CLI11 keeps every value given in
    // results(), one per entry of parse_order(), whatever value it reduces them to.
    std::vector<std::size_t> taken(parser.setting_options.size(), 0);
    for (const CLI::Option* given : parser.app.parse_order()) {
        for (std::size_t i = 0; i < parser.setting_options.size(); ++i) {
            auto [spec, option] = parser.setting_options[i];
            if (option != given) continue;
            const auto& results = option->results();
            out.flags.emplace_back(std::string(spec->flag),
                                   taken[i] < results.size() ? results[taken[i]] : parser.values[i]);
            ++taken[i];
        }
    }
    // With prefix_command, CLI11 leaves the first argument it does not know, and all after it, unparsed.
    std::vector<std::string> rest = parser.explain ? parser.explain->remaining() : std::vector<std::string>();
    if (rest.empty()) rest = parser.app.remaining();
    if (parser.explain && parser.explain->parsed()) {
        out.command = Command::Explain;
        out.json = parser.json;
    }
    if (!rest.empty() && rest.front().size() > 1 && rest.front().front() == '-') {
        result.error = unknown_option_error(rest.front());
        return result;
    }
    out.program = rest;
    if (separator != argv.end()) {
        // `jvminit sh -- x`: the `--` after PROGRAM is one of PROGRAM's arguments.
        if (!out.program.empty()) out.program.emplace_back("--");
        out.program.insert(out.program.end(), separator + 1, argv.end());
    }
    if (out.command == Command::Run && out.program.empty()) {
        result.error = "no PROGRAM given: usage: jvminit [OPTIONS] -- PROGRAM [ARGS...]";
        result.program_missing = true;
    }
    return result;
}

std::string help_text() {
    Parser parser;
    return parser.app.help();
}

}  // namespace jvminit::cli
