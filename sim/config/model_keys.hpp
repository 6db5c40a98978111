// The workload section as a model reads its keys (ModelKeys, workloads/models/registry.hpp):
// each value checked against its declaration, errors at the key's file and line.
#pragma once

#include "sim/config/config_reader.hpp"
#include "sim/config/schema.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

// Every size given is remembered (with its line) for errors about operators too large to count.
class SectionKeys : public ModelKeys {
  public:
    SectionKeys(Reader& r, WorkloadSpec& s) : r_(r), s_(s) {}
    int64_t integer(const Param& p) override;
    std::optional<int64_t> opt_integer(const Param& p) override;
    std::string choice(const Param& p) override;
    [[noreturn]] void fail(const Param& p, const std::string& message) override;
    std::string file(const Param& p) override;
    std::vector<std::pair<std::string, std::string>> entries(const Param& p) override;
    [[noreturn]] void fail_entry(const Param& p, const std::string& entry,
                                 const std::string& message) override;
    std::vector<std::string> items(const Param& p) override;
    [[noreturn]] void fail_item(const Param& p, size_t index, const std::string& message) override;

  private:
    Reader& r_;
    WorkloadSpec& s_;
    int64_t remember(const Param& p, int64_t value);
};

} // namespace fusesim
