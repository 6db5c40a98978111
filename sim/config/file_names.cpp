#include "sim/config/file_names.hpp"

#include <algorithm>

namespace fusesim {

namespace {

constexpr size_t kMaxNameBytes = 100;

// A name as it can be shown in one line of an error message.
std::string shown_name(const std::string& name) {
    std::string s;
    for (unsigned char c : name.substr(0, 60)) {
        if (c < 0x20 || c == 0x7f) {
            static const char* hex = "0123456789abcdef";
            s += std::string("\\x") + hex[c >> 4] + hex[c & 15];
        } else {
            s += static_cast<char>(c);
        }
    }
    return name.size() > 60 ? s + "..." : s;
}

} // namespace

std::string file_name_problem(const std::string& name) {
    std::string why;
    if (name.empty())
        why = "it is empty";
    else if (name.size() > kMaxNameBytes)
        why = "it is longer than " + std::to_string(kMaxNameBytes) + " bytes";
    else if (name.find_first_of("/\\") != std::string::npos)
        why = "it contains '" + std::string(1, name[name.find_first_of("/\\")]) + "'";
    else if (std::any_of(name.begin(), name.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        why = "it contains a control character";
    else if (name.front() == '.' || name.front() == '-')
        why = "it starts with '" + std::string(1, name.front()) + "'";
    if (why.empty()) return "";
    return "'" + shown_name(name) + "' cannot be a file name (" + why +
           "); names become file and folder names inside the output folder, so they must be 1 "
           "to 100 bytes without '/', '\\' or control characters, not starting with '.' or '-'";
}

} // namespace fusesim
