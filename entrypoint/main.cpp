// jvminit: PID 1 and launcher for Java containers. The run is in app/run.cpp.
#include <string>
#include <vector>

#include "app/run.hpp"

extern char** environ;

int main(int argc, char** argv) {
    return jvminit::app::main(std::vector<std::string>(argv, argv + argc), environ);
}
