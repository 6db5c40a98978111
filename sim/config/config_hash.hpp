// The identity of a resolved configuration: `config_hash`, the SHA-256 of a canonical text of the
// resolved tree (after the files an experiment names, its `set:`, every --set and the declared
// defaults), so that the same configuration gives the same hash whatever its key order, YAML
// style (block or flow, quoting, comments, anchors) or the file it came from.
#pragma once

#include "sim/config/config_tree.hpp"

#include <string>

namespace fusesim {

// The tree with the declared defaults (params_*.hpp) filled in: a key of the hardware, workload
// (with its model's keys), mapping or simulation section that is absent gets its default when
// the declaration gives one as a plain value (`1`, `` `unfused` ``, `1.25 pJ`) and the map that
// holds it is present. Keys whose presence means something (die.sram_area under an area model)
// and defaults that follow from other keys (d_inner) are left out.
ConfigNode with_declared_defaults(const ConfigNode& tree);

// One line, keys sorted bytewise at every level, scalars as the text written: {"a":"1","b":[...]}.
std::string canonical_text(const ConfigNode& node);

// Lowercase hex SHA-256 (OpenSSL's EVP) of `bytes`.
std::string sha256_hex(const std::string& bytes);

// sha256_hex(canonical_text(with_declared_defaults(tree))).
std::string config_hash(const ConfigNode& tree);

} // namespace fusesim
