// The run, as a narrated pipeline: parse the command line, load settings, prepare the JVM options,
// start the child, supervise it, report how it ended.
#pragma once

#include <string>
#include <vector>

namespace jvminit::app {

// jvminit's whole run; returns the process exit status (README "Exit codes"). `envp` is the
// environment (environ). Errors before the child starts: one line each on stderr and 2/126/127/1.
int main(const std::vector<std::string>& argv, char** envp);

}  // namespace jvminit::app
