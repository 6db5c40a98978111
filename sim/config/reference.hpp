// The README's configuration reference tables, generated from the parameter declarations
// (params_*.hpp). README.md holds each table between <!-- reference:ID begin --> and
// <!-- reference:ID end -->; tests/test_reference.cpp checks that it is exactly this text.
#pragma once

#include <string>
#include <vector>

namespace fusesim {

std::vector<std::string> reference_table_ids(); // hardware, workload, mamba1, ...
// The Markdown table of one id (header and rows); ConfigError for an unknown id.
std::string reference_table(const std::string& id);
// The table with its begin and end markers, as README.md holds it.
std::string reference_block(const std::string& id);
// The type column of one parameter ("integer 1–4096", "size, 1 B–1 TiB").
struct Param;
std::string param_type_text(const Param& p);

} // namespace fusesim
