// The test binary: libsystemc.so owns main() and calls sc_main, so Catch2 runs from here.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <systemc>

int sc_main(int argc, char* argv[]) {
    return Catch::Session().run(argc, argv);
}
