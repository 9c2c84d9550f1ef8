// Helpers for the engine's statistics and output tests (shared ones from tests/support).
#pragma once

#include "tests/support/temp_dir.hpp"

namespace funnelsim::engine::testing_support {

using funnelsim::testing_support::read_text;
using funnelsim::testing_support::TempDir;
using funnelsim::testing_support::write_text;

}  // namespace funnelsim::engine::testing_support
