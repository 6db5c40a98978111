#include "hw/modules/module_stats.hpp"

namespace fusesim {

namespace {
void gather(const sc_core::sc_object& object, std::vector<NamedStats>& out) {
    if (const auto* source = dynamic_cast<const StatsSource*>(&object))
        out.push_back({object.name(), source->stats(), source->counters()});
    for (const sc_core::sc_object* child : object.get_child_objects()) gather(*child, out);
}
} // namespace

std::vector<NamedStats> gather_stats(const sc_core::sc_object& root) {
    std::vector<NamedStats> out;
    gather(root, out);
    return out;
}

} // namespace fusesim
