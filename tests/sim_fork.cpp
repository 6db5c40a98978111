#include "sim_fork.hpp"

#include "sim/cli/child_process.hpp"
#include "sim/engine/tile_cost.hpp"

#include <stdexcept>

namespace fusesim::test {

std::map<std::string, std::string>
in_child(const std::function<void(std::map<std::string, std::string>&)>& body) {
    // Lines of "key<TAB>value"; newlines inside values travel as \x1f.
    std::string text;
    std::map<std::string, std::string> out;
    try {
        text = run_in_child([&] {
            std::map<std::string, std::string> values;
            body(values);
            std::string t;
            for (auto [k, v] : values) {
                for (char& ch : v)
                    if (ch == '\n') ch = '\x1f';
                t += k + "\t" + v + "\n";
            }
            return t;
        });
    } catch (const std::exception& e) {
        out["error"] = e.what();
        return out;
    }
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t tab = text.find('\t', pos), nl = text.find('\n', pos);
        if (tab == std::string::npos || nl == std::string::npos) break;
        std::string v = text.substr(tab + 1, nl - tab - 1);
        for (char& ch : v)
            if (ch == '\x1f') ch = '\n';
        out[text.substr(pos, tab - pos)] = v;
        pos = nl + 1;
    }
    return out;
}

std::map<std::string, std::string> simulate_in_child(const Workload& w, const HardwareSpec& hw,
                                                     const MappingSpec& m, int layers) {
    return in_child([&](std::map<std::string, std::string>& out) {
        const TilePlan plan = build_plan_for(w, m, hw, layers);
        SimOptions o;
        o.layers = layers;
        o.timeline = false;
        const TimingResult r = simulate(w, hw, plan, o);
        out["cycles"] = std::to_string(r.cycles);
        out["dram_read"] = std::to_string(r.dram_read_bytes);
        out["dram_write"] = std::to_string(r.dram_write_bytes);
        out["evicted"] = std::to_string(r.evicted_bytes);
        out["refetched"] = std::to_string(r.refetched_bytes);
        out["peak"] = std::to_string(r.peak_sram[0]);
        out["tiles"] = std::to_string(r.tiles);
        out["streamed_read"] = std::to_string(r.streamed_read_bytes);
        out["streamed_write"] = std::to_string(r.streamed_write_bytes);
        out["streamed_tiles"] = std::to_string(r.streamed_tiles);
        for (size_t o2 = 0; o2 < w.ops.size(); ++o2)
            out["compute." + w.ops[o2].name] = std::to_string(r.ops[o2].compute_cycles);
    });
}

} // namespace fusesim::test
