// libFuzzer target: the JAVA_TOOL_OPTIONS tokenizer never crashes, and whatever it reads can be joined
// and read back exactly (the property the JVM option builder relies on). Seeds: corpus/java_options_tokenizer/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "jvm/java_options_tokenizer.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
    std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const int jdk_major : {8, 17}) {
        const auto first = jvminit::tokenize_java_options(text, jdk_major);
        if (first.error) {
            if (!first.options.empty()) fail("options reported alongside an error", *first.error);
            continue;
        }
        const auto joined = jvminit::join_java_options(first.options, jdk_major);
        if (joined.error) fail("tokenized options cannot be joined", *joined.error);
        const auto again = jvminit::tokenize_java_options(joined.value, jdk_major);
        if (again.error) fail("joined value does not tokenize", joined.value);
        if (again.options != first.options) fail("round trip changed the options", joined.value);
        // Joining is deterministic, so the joined value is a fixed point.
        if (jvminit::join_java_options(again.options, jdk_major).value != joined.value)
            fail("joining is not stable", joined.value);
        // Each option quoted on its own is one option again.
        for (const auto& option : first.options) {
            const auto quoted = jvminit::quote_java_option(option);
            if (!quoted) fail("option cannot be quoted", option);
            const auto single = jvminit::tokenize_java_options(*quoted, jdk_major);
            if (single.error || single.options.size() != 1 || single.options[0] != option)
                fail("quoted option does not read back as itself", *quoted);
        }
    }
    return 0;
}
