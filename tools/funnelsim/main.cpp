// Entry point of the funnelsim executable.
#include <iostream>

#include "tools/funnelsim/cli.hpp"

int main(int argc, char** argv) {
  return funnelsim::cli::run_cli(argc, argv, std::cout, std::cerr);
}
