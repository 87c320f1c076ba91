// Splitting and joining JAVA_TOOL_OPTIONS with the JVM's own rules. Pure functions: no system calls.
//
// Source of the rules: HotSpot arguments.cpp. JDK 9+: Arguments::parse_options_buffer. JDK 8 (jdk8u):
// Arguments::parse_options_environment_variable, which has the same whitespace and quote rules (quotes
// work on JDK 8 too: the 8u source handles them, and so did HotSpot in 2009) but reads the value into a
// 1024-byte buffer and keeps at most 64 options. The same code reads _JAVA_OPTIONS. It does NOT describe
// JDK_JAVA_OPTIONS, which the java launcher parses with rules of its own.
//
// The rules:
//  - options are separated by runs of C-locale whitespace: space, \t, \n, \v, \f, \r
//    (checked on OpenJDK 17 and 25: \v, \f and \r separate; a UTF-8 no-break space does not);
//  - a ' or " starts a quoted section that runs to the next quote of the SAME kind; the quotes are removed,
//    everything between them is kept verbatim (whitespace, newlines and the other quote kind included);
//  - quoted and unquoted parts concatenate into one option: -Dx="a b"c is the option `-Dx=a bc`;
//  - a backslash is an ordinary character (there is no escaping);
//  - `""` alone is an empty option (which the JVM then rejects: "Unrecognized option: ");
//  - an unmatched quote fails the JVM start: "Unmatched quote in JAVA_TOOL_OPTIONS", exit 1.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jvminit {

// JDK 8 (and older) limits, from jdk8u arguments.cpp: the value is copied with os::getenv into a
// 1024-byte buffer, which fails (the whole variable is silently ignored, not even "Picked up ...")
// unless the value is at most 1023 bytes; and only the first 64 options are read, the rest dropped.
// JDK 9+ has neither limit.
inline constexpr std::size_t kJdk8MaxJavaOptionsBytes = 1023;
inline constexpr std::size_t kJdk8MaxJavaOptionsCount = 64;

// True for the characters HotSpot's isspace() treats as separators (C locale): ' ', \t, \n, \v, \f, \r.
bool is_java_options_space(char c);

struct TokenizeResult {
    std::vector<std::string> options;   // the options the JVM reads, quotes removed; empty when error is set
    std::optional<std::string> error;   // set when the JVM would refuse to start (unmatched quote) or the
                                        // text cannot be an environment value (a NUL byte)
    std::vector<std::string> warnings;  // JDK 8 only: the value would be ignored or truncated by the JVM
};

// Splits `text` (the value of JAVA_TOOL_OPTIONS or _JAVA_OPTIONS) into options as the JVM of major
// version `jdk_major` does. Any number of bytes; non-ASCII bytes are ordinary characters.
// For jdk_major <= 8 the options are split the same way, and `warnings` says when JDK 8 would read less
// than that: a value over kJdk8MaxJavaOptionsBytes is ignored entirely, options beyond the 64th are dropped.
// Errors: an unmatched quote (the message names the quote and its byte offset), a NUL byte.
TokenizeResult tokenize_java_options(std::string_view text, int jdk_major);

// Quotes one option so that tokenize_java_options reads it back as exactly one option equal to `option`.
// Returns the option unchanged when it needs no quoting (non-empty, no whitespace, no quote characters).
// Otherwise quotes the part after the first '=' when the part up to it needs no quoting
// (`-Dx=a b` -> `-Dx="a b"`), else the whole option (`""` for the empty option). Double quotes are used
// unless the text contains a double quote; text containing both kinds is written as adjacent sections
// (`a"b'c` -> `'a"b'"'c"`), which the JVM concatenates (checked on OpenJDK 17).
// Errors: std::nullopt when the option contains a NUL byte (an environment value cannot hold one).
std::optional<std::string> quote_java_option(std::string_view option);

struct JoinResult {
    std::string value;                  // the JAVA_TOOL_OPTIONS value; empty when error is set
    std::optional<std::string> error;   // an option cannot be represented (a NUL byte)
    std::vector<std::string> warnings;  // the JVM will not accept what it reads: an empty option (any JDK);
                                        // JDK 8: value over kJdk8MaxJavaOptionsBytes, or over 64 options
};

// Joins options into one value, separated by single spaces, each quoted with quote_java_option, so that
// tokenize_java_options(value, jdk_major).options == options. Same rules for every JDK (see above);
// jdk_major only selects the JDK 8 length and count warnings.
JoinResult join_java_options(std::span<const std::string> options, int jdk_major);

// Splits the text of an @argfile (JDK 9+) into the arguments the java launcher reads from it. Source of the
// rules: the launcher's libjli args.c (readArgFile, nextToken), checked on OpenJDK 17. They differ from
// JAVA_TOOL_OPTIONS's:
//  - whitespace is space, \t, \n, \r and \f;
//  - an unquoted `#` starts a comment to the end of the line, also in the middle of a word, and the part of
//    that word before it is dropped (`-Da=x#y` is nothing); a part already closed by a quote is not, and
//    joins the next word (`"-Da=1"#c` then `-Db=2` is `-Da=1-Db=2`);
//  - ' and " quote to the matching quote or to the end of the line (an unclosed quote is no error);
//  - in quotes, a backslash escapes: \n \r \t \f are those characters, a backslash at the end of a line
//    joins the next line without its leading whitespace, and any other character stands for itself;
//    outside quotes a backslash is an ordinary character.
// Any number of bytes; never fails.
std::vector<std::string> tokenize_argfile(std::string_view text);

}  // namespace jvminit
