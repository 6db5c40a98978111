#include "run_layer.hpp"

#include <catch2/catch.hpp>

namespace fusesim::test {

std::optional<nlohmann::json> try_run_layer(const std::string& experiment,
                                            const std::vector<std::string>& sets,
                                            std::string* err) {
    TempDir d("layer");
    std::vector<std::string> args = {"run", experiment, "-q", "-o", d.path()};
    for (const char* fixed :
         {"simulation.vcd=false", "simulation.timeline=false", "simulation.layers=one"})
        args.insert(args.end(), {"--set", fixed});
    for (const auto& s : sets) args.insert(args.end(), {"--set", s});
    const CliResult r = run_cli(args);
    if (err) *err = r.command + "\n" + r.err;
    if (r.exit_code != 0) return std::nullopt;
    return nlohmann::json::parse(read_file(d.file("report.json")));
}

nlohmann::json run_layer(const std::string& experiment, const std::vector<std::string>& sets) {
    std::string err;
    auto r = try_run_layer(experiment, sets, &err);
    INFO(err);
    REQUIRE(r);
    return *r;
}

nlohmann::json run_cli_json(std::vector<std::string> args, const std::vector<std::string>& sets,
                            const std::string& json_path) {
    for (const auto& s : sets) args.insert(args.end(), {"--set", s});
    const CliResult r = run_cli(args);
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(read_file(json_path));
}

const nlohmann::json* find_type(const nlohmann::json& point, const std::string& type) {
    for (const auto& t : point.at("operator_types"))
        if (t.at("type") == type) return &t;
    return nullptr;
}

} // namespace fusesim::test
