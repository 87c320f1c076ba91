// jvminit: PID 1 and launcher for Java containers. The run is in app/run.cpp.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/run.hpp"

extern char** environ;

// AddressSanitizer: GCC defines __SANITIZE_ADDRESS__, clang answers __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define JVMINIT_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JVMINIT_ADDRESS_SANITIZER 1
#endif
#endif

int main(int argc, char** argv) {
    const int exit_code = jvminit::app::main(std::vector<std::string>(argv, argv + argc), environ);
#if defined(JVMINIT_ADDRESS_SANITIZER)
    return exit_code;  // LeakSanitizer's check runs from the exit handlers
#else
    // Everything jvminit writes is written by now (stdio flushed here; its log lines go out one write each),
    // and the kernel closes its files and releases its locks: the destructors of the logger and the settings
    // and glibc's exit handlers would only free memory, 5-10 µs after the child has ended (README, Benchmarks).
    std::fflush(nullptr);
    ::_exit(exit_code);
#endif
}
