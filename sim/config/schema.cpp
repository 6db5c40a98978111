#include "sim/config/schema.hpp"

#include "sim/config/schema_memory.hpp"
#include "sim/config/schema_noc.hpp"

#include "hw/cost/area.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/model_keys.hpp"
#include "sim/config/params_hardware.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/params_workload.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace fusesim {

namespace {

constexpr std::size_t kName = Reader::kMaxNameBytes;
// A custom workload's lists: operators are looked up by name, so keep them to a model's size.
constexpr std::size_t kMaxCustomItems = 4096;

// "unlimited" or a bandwidth; 0 means unlimited in the specs.
double bandwidth_or_unlimited(Reader& r, const Param& p, double clock_hz) {
    const std::string key = p.leaf();
    if (!r.has(key)) {
        r.accept(key);
        return 0;
    }
    const ConfigNode& n = r.raw(key);
    if (n.is_scalar() && n.value() == "unlimited") return 0;
    return read_bandwidth(r, p, clock_hz);
}

// A key of `cpo` or `op_energy`: a compute kind (not `view`), else an error listing them.
OpKind compute_kind(Reader& r, const std::string& key, const ConfigNode& value) {
    OpKind kind;
    if (parse_op_kind(key, kind) && kind != OpKind::View) return kind;
    r.accept(key);
    std::string names;
    for (const auto& n : op_kind_names())
        if (n != "view") names += (names.empty() ? "" : ", ") + n;
    throw ConfigError(value.origin(), r.key_path(key),
                      "unknown operator kind (expected one of: " + names + ")");
}

} // namespace

void read_cpo(Reader& r, HardwareSpec& hw) {
    namespace P = hw_param;
    if (auto cpo = r.opt_sub("cpo")) {
        for (const auto& [key, value] : cpo->node().entries())
            hw.cpo[static_cast<int>(compute_kind(*cpo, key, value))] = cpo->integer(
                key, static_cast<int64_t>(P::cpo.min), static_cast<int64_t>(P::cpo.max));
        cpo->finish();
    }
}

HardwareSpec read_hardware(const ConfigNode& node) {
    namespace P = hw_param;
    Reader r(node, "hardware");
    HardwareSpec hw = default_cpo_table({});
    hw.name = r.str("name", kName);
    r.opt_str("description");
    if (r.has(P::kind.leaf()) && read_choice(r, P::kind) == "gpu")
        r.fail(P::kind.leaf(), "a GPU is read by read_gpu (sim/config/schema_gpu.hpp)");
    if (r.has(P::kind.leaf()) && read_choice(r, P::kind) == "rdu")
        r.fail(P::kind.leaf(), "an RDU is read by read_rdu (sim/config/schema_rdu.hpp)");
    r.accept(P::kind.leaf());
    hw.clock_hz = read_hertz(r, P::clock); // every rate below is checked per cycle
    // With an area model, the array, SRAM and DRAM bandwidth are derived (and may be omitted).
    const bool derived = r.has("area");
    hw.cores = derived ? r.opt_integer("cores", 1, 1).value_or(1) : read_int(r, P::cores);
    {
        Reader c = r.sub("core");
        hw.core.pe_rows =
            derived ? read_opt_int(c, P::pe_rows).value_or(1) : read_int(c, P::pe_rows);
        hw.core.pe_cols =
            derived ? read_opt_int(c, P::pe_cols).value_or(1) : read_int(c, P::pe_cols);
        if (derived && !c.has("sram"))
            c.accept("sram");
        else
            hw.core.sram_bytes = read_bytes(c, P::sram);
        hw.core.sram_bytes_per_cycle = bandwidth_or_unlimited(c, P::sram_bandwidth, hw.clock_hz);
        hw.core.sram_banks = read_int_or_default(c, P::sram_banks);
        read_sram_banks(c, hw);
        hw.energy.sram_read_pj_per_byte = read_energy_or_default(c, P::sram_read_energy);
        hw.energy.sram_write_pj_per_byte = read_energy_or_default(c, P::sram_write_energy);
        c.finish();
    }
    {
        Reader d = r.sub("dram");
        if (derived && !d.has("bandwidth"))
            d.accept("bandwidth");
        else
            hw.dram.bytes_per_cycle = read_bandwidth(d, P::dram_bandwidth, hw.clock_hz);
        hw.dram.latency_cycles = read_cycles_or_default(d, P::dram_latency, hw.clock_hz);
        hw.dram.energy_pj_per_bit = read_energy_or_default(d, P::dram_energy);
        read_dram_channels(d, hw);
        d.finish();
    }
    if (auto ic = r.opt_sub("interconnect")) {
        hw.interconnect.topology = read_choice_or_default(*ic, P::topology);
        hw.interconnect.bytes_per_cycle = bandwidth_or_unlimited(*ic, P::ic_bandwidth, hw.clock_hz);
        hw.interconnect.latency_cycles = read_cycles_or_default(*ic, P::ic_latency, hw.clock_hz);
        hw.energy.noc_pj_per_byte_hop = read_energy_or_default(*ic, P::ic_energy);
        read_noc(*ic, hw);
        ic->finish();
    } else {
        hw.energy.noc_pj_per_byte_hop = P::ic_energy.default_value;
    }
    read_cpo(r, hw);
    // Energy per op by kind mirrors `cpo`: kinds not given keep the README table's figure.
    if (auto e = r.opt_sub("op_energy")) {
        for (const auto& [key, value] : e->node().entries())
            hw.energy.op_pj[static_cast<int>(compute_kind(*e, key, value))] =
                e->picojoules(key, P::op_energy.max);
        e->finish();
    }
    bool sram_area_given = false;
    if (auto d = r.opt_sub("die")) {
        sram_area_given = d->has(P::sram_area.leaf());
        hw.energy.pe_mm2 = read_real_or_default(*d, P::pe_area);
        hw.energy.sram_mm2_per_mib = read_real_or_default(*d, P::sram_area);
        hw.energy.leakage_w_per_mm2 = read_real_or_default(*d, P::leakage);
        d->finish();
    } else {
        hw.energy.pe_mm2 = P::pe_area.default_value;
        hw.energy.sram_mm2_per_mib = P::sram_area.default_value;
        hw.energy.leakage_w_per_mm2 = P::leakage.default_value;
    }
    if (derived) {
        Reader a = r.sub("area");
        AreaModel m;
        m.scale = read_real(a, P::area_scale);
        m.memory_share = read_real(a, P::area_memory_share);
        m.full_pes = read_real(a, P::area_full_pes);
        m.full_sram = read_bytes(a, P::area_full_sram);
        m.base_bytes_per_cycle = read_bandwidth(a, P::area_base_bw, hw.clock_hz);
        m.array_cols = read_int_or_default(a, P::area_array_cols);
        a.finish();
        try {
            apply_area_model(m, hw);
        } catch (const std::invalid_argument& e) {
            throw ConfigError(node.find("area")->origin(), "hardware.area", e.what());
        }
        // The area model's reference die holds full_pes PEs or full_sram of SRAM: its SRAM
        // density follows from its PE density, so the reported area stays a × the die's.
        const double die_mm2 = m.full_pes * hw.energy.pe_mm2;
        const double sram_mm2 = die_mm2 / (static_cast<double>(m.full_sram) / (1024.0 * 1024.0));
        if (!sram_area_given)
            hw.energy.sram_mm2_per_mib = sram_mm2;
        else if (std::abs(hw.energy.sram_mm2_per_mib - sram_mm2) > 1e-9 * sram_mm2)
            throw ConfigError(
                node.find("die")->find(P::sram_area.leaf())->origin(), "hardware.die.sram_area",
                "the area model's die (full_pes × die.pe_area = " + std::to_string(die_mm2) +
                    " mm²) gives " + std::to_string(sram_mm2) +
                    " mm² per MiB of SRAM; leave die.sram_area out or set it so");
        // The derived chip must satisfy the ranges a written one does.
        if (hw.core.pe_rows > static_cast<int64_t>(P::pe_rows.max))
            a.fail("", "the area model gives " + std::to_string(hw.core.pe_rows) +
                           " PE rows (at most 1048576): lower scale or full_pes");
        if (!(hw.dram.bytes_per_cycle >= P::dram_bandwidth.min &&
              hw.dram.bytes_per_cycle <= P::dram_bandwidth.max))
            a.fail("base_dram_bandwidth", "the area model gives a DRAM bandwidth of " +
                                              std::to_string(hw.dram.bytes_per_cycle) +
                                              " B/cycle (expected 0.001 to 1e9)");
    }
    r.finish();
    return hw;
}

namespace {

std::vector<Stage> read_stages(Reader& r) {
    std::vector<Stage> stages;
    const ConfigNode& n = r.raw("stage");
    std::vector<const ConfigNode*> items;
    if (n.is_sequence())
        for (const auto& i : n.items()) items.push_back(&i);
    else
        items.push_back(&n);
    for (const ConfigNode* i : items) {
        if (!i->is_scalar() || (i->value() != "prefill" && i->value() != "decode"))
            throw ConfigError(i->origin(), r.key_path("stage"),
                              "expected 'prefill' or 'decode' (or a list of them), got '" +
                                  (i->is_scalar() ? i->value() : std::string("a structure")) + "'");
        const Stage st = i->value() == "prefill" ? Stage::Prefill : Stage::Decode;
        if (std::find(stages.begin(), stages.end(), st) != stages.end())
            throw ConfigError(i->origin(), r.key_path("stage"), "lists '" + i->value() + "' twice");
        stages.push_back(st);
    }
    if (stages.empty()) r.fail("stage", "expected at least one stage");
    return stages;
}

void read_custom(Reader& r, WorkloadSpec& s) {
    Reader dims = r.sub("dims");
    if (dims.node().entries().size() > kMaxCustomItems)
        dims.fail("", "more than " + std::to_string(kMaxCustomItems) + " dimensions");
    for (const auto& [name, value] : dims.node().entries()) {
        if (value.is_scalar() && value.value() == "seq_len") {
            dims.accept(name);
            s.custom.model.dims.emplace_back(name, 0);
        } else {
            s.custom.model.dims.emplace_back(name, dims.integer(name, 1, int64_t{1} << 32));
        }
    }
    dims.finish();
    auto names = [&](const std::string& key, std::vector<std::string>& out) {
        const ConfigNode* n = r.opt_raw(key);
        if (!n) return;
        if (!n->is_sequence())
            throw ConfigError(n->origin(), r.key_path(key), "expected a list of tensor names");
        if (n->items().size() > kMaxCustomItems)
            throw ConfigError(n->origin(), r.key_path(key),
                              "more than " + std::to_string(kMaxCustomItems) + " tensor names");
        for (const auto& i : n->items()) {
            if (!i.is_scalar() || i.value().size() > kName)
                throw ConfigError(i.origin(), r.key_path(key),
                                  "expected a tensor name (at most " + std::to_string(kName) +
                                      " bytes)");
            out.push_back(i.value());
        }
    };
    names("inputs", s.custom.model.inputs);
    names("weights", s.custom.model.weights);
    names("states", s.custom.model.states);
    const ConfigNode& ops = r.raw("operators");
    if (!ops.is_sequence() || ops.items().empty())
        throw ConfigError(ops.origin(), r.key_path("operators"),
                          "expected a non-empty list of operators");
    if (ops.items().size() > kMaxCustomItems)
        throw ConfigError(ops.origin(), r.key_path("operators"),
                          "more than " + std::to_string(kMaxCustomItems) + " operators");
    for (size_t i = 0; i < ops.items().size(); ++i) {
        Reader o(ops.items()[i], r.key_path("operators") + "[" + std::to_string(i) + "]");
        CustomOp op;
        // Errors in the Einsum point at its line.
        const ConfigNode* einsum = ops.items()[i].find("einsum");
        s.custom.origins.push_back(einsum ? einsum->origin() : ops.items()[i].origin());
        op.name = o.str("name", kName);
        op.einsum = o.str("einsum");
        op.kind = o.opt_str("kind", kName).value_or("");
        op.type = o.opt_str("type", kName).value_or("custom");
        if (const auto padding = o.opt_str("padding", kName)) {
            if (*padding != "zero" && *padding != "none")
                o.fail("padding", "expected 'zero' or 'none'; got '" + *padding + "'");
            op.padding = *padding == "zero" ? Padding::Zero : Padding::None;
        }
        if (!op.kind.empty()) {
            OpKind k;
            if (!parse_op_kind(op.kind, k)) {
                std::string list;
                for (const auto& n : op_kind_names()) list += (list.empty() ? "" : ", ") + n;
                o.fail("kind", "expected one of: " + list + "; got '" + op.kind + "'");
            }
        }
        o.finish();
        s.custom.model.operators.push_back(op);
    }
}

} // namespace

WorkloadSpec read_workload(const ConfigNode& node) {
    namespace W = workload_param;
    Reader r(node, "workload");
    WorkloadSpec s;
    s.origin = node.origin();
    for (const auto& [key, value] : node.entries()) s.key_origins.emplace_back(key, value.origin());
    s.name = r.str("name", kName);
    r.opt_str("description");
    s.model = read_choice(r, W::model);
    s.stage_origin = r.raw("stage").origin();
    s.stages = read_stages(r);
    s.seq_len_origin = r.raw("seq_len").origin();
    s.seq_lens = r.integer_list("seq_len", static_cast<int64_t>(W::seq_len.min),
                                static_cast<int64_t>(W::seq_len.max));
    s.batch = read_int_or_default(r, W::batch);
    // Where each size came from: an operator too large to count is reported at the largest.
    auto size_key = [&](const std::string& key, int64_t value) {
        if (const ConfigNode* n = node.find(key); n && !n->is_null())
            s.size_keys.push_back({"workload." + key, value, n->origin()});
        return value;
    };
    size_key("batch", s.batch);
    for (int64_t L : s.seq_lens) size_key("seq_len", L);
    const std::string precision = r.opt_str("precision").value_or(default_string(W::precision));
    if (!parse_precision(precision, s.precision))
        r.fail("precision", "expected one of fp32, fp16, bf16, fp8, int8; got '" + precision + "'");
    const int64_t layers = read_int_or_default(r, W::layers);
    read_opt_int(r, W::vocab); // informational: the embedding is not simulated
    if (const ConfigNode* n = node.find("decode_state"))
        s.decode_state_origin = n->origin();
    else
        s.decode_state_origin = node.origin();
    s.decode_state = read_choice_or_default(r, W::decode_state);
    if (const ModelDef* m = find_model(s.model)) {
        SectionKeys keys(r, s);
        s.layer = m->read(keys, layers);
    } else {
        read_custom(r, s);
        s.custom.model.layers = layers;
    }
    r.finish();
    // Build once now so that every mistake surfaces before anything runs.
    for (Stage st : s.stages)
        for (int64_t L : s.seq_lens) s.build(st, L);
    return s;
}

Workload WorkloadSpec::build(Stage stage, int64_t seq_len) const {
    Workload w;
    if (layer) {
        try {
            w = layer(stage, batch, seq_len, precision);
        } catch (const ModelError& e) {
            Origin at = origin;
            for (const auto& [key, o] : key_origins)
                if (key == e.key) at = o;
            throw ConfigError(at, "workload." + e.key, e.what());
        } catch (const std::invalid_argument& e) {
            // Sizes too large to count: named at the largest size the user gave.
            const SizeKey* at = nullptr;
            for (const SizeKey& k : size_keys)
                if (!at || k.value > at->value) at = &k;
            throw ConfigError(at ? at->origin : origin, at ? at->key : "workload",
                              std::string(e.what()) +
                                  "; lower the model's dimensions, seq_len or batch");
        }
    } else {
        try {
            w = build_custom(custom.model, stage, batch, seq_len, precision);
        } catch (const CustomError& e) {
            if (e.op < 0) throw ConfigError(origin, "workload.operators", e.what());
            throw ConfigError(custom.origins[e.op],
                              "workload.operators." + custom.model.operators[e.op].name + ".einsum",
                              e.what());
        }
    }
    w.name = name;
    return w;
}

Stage WorkloadSpec::single_stage() const {
    if (stages.size() != 1)
        throw ConfigError(stage_origin, "workload.stage",
                          "this command simulates one stage; give one value (or --set "
                          "workload.stage=prefill)");
    return stages.front();
}

int64_t WorkloadSpec::single_seq_len() const {
    if (seq_lens.size() != 1)
        throw ConfigError(seq_len_origin, "workload.seq_len",
                          "this command simulates one sequence length; give one value (or --set "
                          "workload.seq_len=N)");
    return seq_lens.front();
}

} // namespace fusesim
