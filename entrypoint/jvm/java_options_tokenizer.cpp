#include "jvm/java_options_tokenizer.hpp"

#include <algorithm>
#include <string>

namespace jvminit {
namespace {

bool is_quote(char c) {
    return c == '"' || c == '\'';
}

bool needs_quoting(char c) {
    return is_java_options_space(c) || is_quote(c);
}

bool any_needs_quoting(std::string_view text) {
    return std::any_of(text.begin(), text.end(), needs_quoting);
}

std::string describe_quote(char quote) {
    return quote == '"' ? "double quote (\")" : "single quote (')";
}

// Appends `text` (non-empty) as one or more adjacent quoted sections. A section in double quotes may
// hold a single quote and vice versa, so switching the quote kind at each quote of the current kind
// represents any text without NUL.
void append_quoted(std::string& out, std::string_view text) {
    // Open with the kind whose first occurrence comes later (double quotes when neither occurs): the first
    // section is then as long as possible and never empty.
    const std::size_t first_double = text.find('"');
    const std::size_t first_single = text.find('\'');
    char quote = first_double >= first_single ? '"' : '\'';
    out += quote;
    for (const char c : text) {
        if (c == quote) {
            out += quote;  // close the current section ...
            quote = quote == '"' ? '\'' : '"';
            out += quote;  // ... and open one of the other kind, which can hold c
        }
        out += c;
    }
    out += quote;
}

}  // namespace

bool is_java_options_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

TokenizeResult tokenize_java_options(std::string_view text, int jdk_major) {
    TokenizeResult result;
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        result.error = "NUL byte at offset " + std::to_string(nul) + ": an environment variable cannot hold it";
        return result;
    }

    std::size_t pos = 0;
    const std::size_t size = text.size();
    while (true) {
        while (pos < size && is_java_options_space(text[pos])) {
            ++pos;
        }
        if (pos >= size) {
            break;
        }
        std::string option;
        while (pos < size && !is_java_options_space(text[pos])) {
            const char c = text[pos];
            if (!is_quote(c)) {
                option += c;
                ++pos;
                continue;
            }
            const std::size_t close = text.find(c, pos + 1);
            if (close == std::string_view::npos) {
                result.options.clear();
                result.error = "unmatched " + describe_quote(c) + " at offset " + std::to_string(pos) +
                               "; the JVM refuses to start (\"Unmatched quote in JAVA_TOOL_OPTIONS\")";
                return result;
            }
            option.append(text.substr(pos + 1, close - pos - 1));
            pos = close + 1;
        }
        result.options.push_back(std::move(option));
    }

    if (jdk_major <= 8) {
        if (size > kJdk8MaxJavaOptionsBytes) {
            result.warnings.push_back("value is " + std::to_string(size) +
                                      " bytes: JDK 8 ignores it entirely when it is over " +
                                      std::to_string(kJdk8MaxJavaOptionsBytes) + " bytes");
        }
        if (result.options.size() > kJdk8MaxJavaOptionsCount) {
            result.warnings.push_back(std::to_string(result.options.size()) + " options: JDK 8 reads only the first " +
                                      std::to_string(kJdk8MaxJavaOptionsCount) + " and drops the rest");
        }
    }
    return result;
}

std::optional<std::string> quote_java_option(std::string_view option) {
    if (option.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    if (!option.empty() && !any_needs_quoting(option)) {
        return std::string(option);
    }
    if (option.empty()) {
        return std::string("\"\"");
    }
    // Keep `-Dname=` / `-XX:Flag=` readable: quote only the value when the key needs no quoting.
    std::size_t prefix = 0;
    if (const auto eq = option.find('=');
        eq != std::string_view::npos && !any_needs_quoting(option.substr(0, eq + 1))) {
        prefix = eq + 1;  // the part after it is non-empty: it holds the character that needs quoting
    }
    std::string out(option.substr(0, prefix));
    append_quoted(out, option.substr(prefix));
    return out;
}

JoinResult join_java_options(std::span<const std::string> options, int jdk_major) {
    JoinResult result;
    std::string value;
    for (std::size_t i = 0; i < options.size(); ++i) {
        const auto quoted = quote_java_option(options[i]);
        if (!quoted) {
            result.error =
                "option " + std::to_string(i + 1) + " contains a NUL byte: an environment variable cannot hold it";
            return result;
        }
        if (options[i].empty()) {
            result.warnings.push_back("option " + std::to_string(i + 1) +
                                      " is empty: the JVM fails to start (\"Unrecognized option: \")");
        }
        if (i > 0) {
            value += ' ';
        }
        value += *quoted;
    }
    if (jdk_major <= 8) {
        if (value.size() > kJdk8MaxJavaOptionsBytes) {
            result.warnings.push_back("value is " + std::to_string(value.size()) +
                                      " bytes: JDK 8 ignores it entirely when it is over " +
                                      std::to_string(kJdk8MaxJavaOptionsBytes) + " bytes");
        }
        if (options.size() > kJdk8MaxJavaOptionsCount) {
            result.warnings.push_back(std::to_string(options.size()) + " options: JDK 8 reads only the first " +
                                      std::to_string(kJdk8MaxJavaOptionsCount) + " and drops the rest");
        }
    }
    result.value = std::move(value);
    return result;
}

std::vector<std::string> tokenize_argfile(std::string_view text) {
    enum class State { BetweenWords, InWord, InQuote, AfterBackslash, InComment, JoiningLine };
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
    std::vector<std::string> words;
    State state = State::BetweenWords;
    char quote = '"';
    std::string parts;       // the word's parts closed so far (before a quote or an escape)
    bool has_parts = false;  // some part was closed, if only an empty one (the launcher's list is not empty)
    std::size_t anchor = 0;  // where the word's open part starts
    const auto close_part = [&](std::size_t end) {
        parts.append(text.substr(anchor, end - anchor));
        has_parts = true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        switch (state) {
            case State::BetweenWords:
            case State::JoiningLine:
                if (is_space(c)) continue;
                state = state == State::BetweenWords ? State::InWord : State::InQuote;
                anchor = i;
                break;  // `c` is the word's first character: read below
            case State::AfterBackslash:
                if (c == '\n' || c == '\r') {
                    state = State::JoiningLine;
                } else {
                    constexpr std::string_view kFrom = "nrtf", kTo = "\n\r\t\f";
                    const std::size_t escape = kFrom.find(c);
                    parts += escape == std::string_view::npos ? c : kTo[escape];
                    has_parts = true;
                    state = State::InQuote;
                }
                anchor = i + 1;
                continue;
            case State::InComment:
                if (c == '\n' || c == '\r') {
                    state = State::BetweenWords;
                    anchor = i + 1;
                }
                continue;
            case State::InWord:
            case State::InQuote: break;
        }
        const bool quoted = state == State::InQuote;
        if ((c == ' ' || c == '\t' || c == '\f') && quoted) continue;
        if (is_space(c)) {  // the end of the word; a line's end also ends a quote
            words.push_back(parts.append(text.substr(anchor, i - anchor)));
            parts.clear();
            has_parts = false;
            state = State::BetweenWords;
        } else if (c == '#' && !quoted) {
            state = State::InComment;  // the open part is dropped; closed parts stay for the next word
        } else if (c == '\\' && quoted) {
            close_part(i);
            state = State::AfterBackslash;
            anchor = i + 1;
        } else if ((c == '\'' || c == '"') && (!quoted || c == quote)) {
            if (anchor != i) close_part(i);
            anchor = i + 1;
            if (quoted) {
                state = State::InWord;
            } else {
                quote = c;
                state = State::InQuote;
            }
        }
    }
    if (state == State::InWord || state == State::InQuote) {
        if (anchor < text.size()) close_part(text.size());
        if (has_parts) words.push_back(std::move(parts));
    }
    return words;
}

}  // namespace jvminit
