// A temporary directory for tests, removed with everything in it when the object goes.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace jvminit::testing {

class TempDir {
public:
    // `name` becomes part of the directory's name: /tmp/jvminit-<name>-XXXXXX.
    explicit TempDir(const std::string& name) {
        std::string pattern = (std::filesystem::temp_directory_path() / ("jvminit-" + name + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = std::filesystem::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace jvminit::testing
