// `fusesim reference`: the configuration reference tables of README.md, printed from the
// parameter declarations so that the README can be regenerated (and checked) from the code.
#include "sim/cli/commands.hpp"
#include "sim/config/reference.hpp"

#include <iostream>

namespace fusesim {

int cmd_reference(const std::string& table) {
    if (!table.empty()) {
        std::cout << reference_table(table);
        return 0;
    }
    bool first = true;
    for (const std::string& id : reference_table_ids()) {
        std::cout << (first ? "" : "\n") << reference_block(id);
        first = false;
    }
    return 0;
}

} // namespace fusesim
