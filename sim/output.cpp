#include "sim/output.hpp"

#include "sim/config_tree.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fusesim {

namespace {
constexpr const char* kMarker = ".fusesim-output";
}

OutputDir::OutputDir(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    if (fs::exists(path_, ec)) {
        if (!fs::is_directory(path_, ec))
            throw ConfigError("output path '" + path_ + "' exists and is not a folder");
        const bool empty = fs::directory_iterator(path_, ec) == fs::directory_iterator();
        if (!empty && !fs::exists(fs::path(path_) / kMarker, ec))
            throw ConfigError("output folder '" + path_ +
                              "' holds files fusesim did not write; choose another folder with -o");
    } else {
        fs::create_directories(path_, ec);
        if (ec)
            throw std::runtime_error("cannot create output folder '" + path_ +
                                     "': " + ec.message());
    }
    write_file_atomic((fs::path(path_) / kMarker).string(),
                      "This folder was written by fusesim; its files are replaced on the next run "
                      "into it.\n");
}

std::string OutputDir::file(const std::string& name) const {
    return (fs::path(path_) / name).string();
}

std::string OutputDir::write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    write_file_atomic(p, content);
    return p;
}

void write_file_atomic(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write '" + tmp + "'");
        out << content;
        out.flush();
        if (!out) throw std::runtime_error("cannot write '" + tmp + "'");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot replace '" + path + "'");
    }
}

bool run_gnuplot(const std::string& script_path) {
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
        std::cerr << "note: gnuplot not found; plot script left at " << script_path << "\n";
        return false;
    }
    const std::string cmd = "gnuplot '" + script_path + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
        std::cerr << "warning: gnuplot failed on " << script_path << "\n";
        return false;
    }
    return true;
}

} // namespace fusesim
