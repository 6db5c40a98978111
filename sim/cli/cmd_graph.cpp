// `fusesim graph`: the operator list of one layer with shapes, ops and bytes, and Graphviz DOT.
#include "sim/analytic/analytic.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/schema.hpp"
#include "sim/report/output.hpp"
#include "sim/report/table.hpp"

#include <fstream>
#include <iostream>
#include <sys/stat.h>

namespace fusesim {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
    return s + ")";
}

std::string loops_text(const Operator& op) {
    std::string s;
    for (const auto& d : op.dims)
        s += (s.empty() ? "" : " ") + d.name + "=" + std::to_string(d.size);
    return s;
}

// A DOT string literal: Graphviz does not run anything, but a quote or newline in a name must
// not end the string.
std::string dot_string(const std::string& text) {
    std::string q = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            q += std::string("\\") + c;
        else if (c == '\n')
            q += "\\n";
        else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            q += '?';
        else
            q += c;
    }
    return q + "\"";
}

// The first line of every DOT file fusesim writes: --dot replaces only files that start with it.
const std::string kDotHeader = "// written by fusesim graph --dot\n";

std::string dot(const Workload& w) {
    std::string s = kDotHeader + "digraph " + dot_string(w.name) +
                    " {\n  rankdir=TB;\n  node [fontname=\"sans\"];\n";
    for (size_t t = 0; t < w.tensors.size(); ++t) {
        const Tensor& tensor = w.tensors[t];
        const bool external = w.producers[t].empty();
        s += "  t" + std::to_string(t) + " [shape=ellipse, style=filled, fillcolor=\"" +
             (external ? (tensor.role == TensorRole::Weight ? "#fde68a" : "#bfdbfe") : "#e5e7eb") +
             "\", label=" + dot_string(tensor.name + "\n" + shape_text(tensor.shape)) + "];\n";
    }
    for (size_t o = 0; o < w.ops.size(); ++o) {
        const Operator& op = w.ops[o];
        const bool view = op.kind == OpKind::View;
        s += "  o" + std::to_string(o) + " [shape=box, style=\"rounded,filled\", fillcolor=\"" +
             (view ? "#f3f4f6" : "#bbf7d0") + "\", label=" +
             dot_string(op.name + "\n" + (view ? op.view_of : std::string(to_string(op.kind))) +
                        " · " + op.type) +
             "];\n";
        for (const auto& in : op.inputs)
            s += "  t" + std::to_string(in.tensor) + " -> o" + std::to_string(o) +
                 (in.carried ? " [style=dashed, label=\"t-1\"]" : "") + ";\n";
        s += "  o" + std::to_string(o) + " -> t" + std::to_string(op.output.tensor) + ";\n";
    }
    return s + "}\n";
}

// --dot FILE never replaces a file fusesim did not write, nor writes through a symlink.
void check_dot_target(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return; // a new file
    if (S_ISLNK(st.st_mode))
        throw ConfigError("--dot: '" + path +
                          "' is a symbolic link; fusesim does not write through links");
    if (!S_ISREG(st.st_mode)) throw ConfigError("--dot: '" + path + "' exists and is not a file");
    std::ifstream in(path, std::ios::binary);
    std::string head(kDotHeader.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    if (!in || head != kDotHeader)
        throw ConfigError("--dot: '" + path +
                          "' exists and was not written by fusesim; remove it or choose another "
                          "file");
}

} // namespace

int cmd_graph(const CommandArgs& args) {
    ResolvedExperiment e = load_experiment(args.experiment, args.overrides, args.files);
    const ExperimentSpec x = read_experiment(e); // mistakes in any section are errors here too
    const auto nodes = experiment_workloads(e);
    std::vector<std::string> dot_paths;
    for (size_t i = 0; i < nodes.size() && !args.dot.empty(); ++i) {
        std::string path = args.dot;
        if (nodes.size() > 1) { // g.dot → g.0.dot, g.1.dot
            const auto dot_at = path.rfind(".dot");
            path = dot_at != std::string::npos && dot_at + 4 == path.size()
                       ? path.substr(0, dot_at) + "." + std::to_string(i) + ".dot"
                       : path + "." + std::to_string(i);
        }
        check_dot_target(path); // all of them before any is written
        dot_paths.push_back(path);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
        const WorkloadSpec& ws = x.workloads[i];
        const Stage stage = ws.stages.front();
        const int64_t L = ws.seq_lens.front();
        Workload w = ws.build(stage, L);
        Table t({"#", "operator", "kind", "type", "loops", "inputs", "output", "ops", "read B",
                 "write B"});
        int n = 0;
        for (int o : w.topo_order) {
            const Operator& op = w.ops[o];
            std::string ins;
            for (const auto& in : op.inputs)
                ins += (ins.empty() ? "" : " ") + w.tensors[in.tensor].name +
                       (in.carried ? "[t-1]" : "") + shape_text(w.tensors[in.tensor].shape);
            const Box box = op.full_box();
            const bool view = op.kind == OpKind::View;
            t.row({std::to_string(++n), op.name, view ? op.view_of : to_string(op.kind), op.type,
                   loops_text(op), ins,
                   w.tensors[op.output.tensor].name + shape_text(w.tensors[op.output.tensor].shape),
                   std::to_string(op.ops()), view ? "0" : std::to_string(op_read_bytes(w, op, box)),
                   view ? "0" : std::to_string(op_write_bytes(w, op, box))});
        }
        std::cout << ws.name << " (" << ws.model << "), " << to_string(stage) << ", L = " << L
                  << ", batch " << ws.batch << ", " << ws.precision.name << "; one of " << w.layers
                  << " layers\n"
                  << t.text() << "\n";
        if (!args.dot.empty()) {
            const std::string& path = dot_paths[i];
            write_file_atomic(path, dot(w));
            std::cout << "wrote " << path << "\n";
        }
    }
    return 0;
}

} // namespace fusesim
