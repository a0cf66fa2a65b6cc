// output_mode.hpp — how a person wants the terminal output: colour and verbosity.
//
// Plain settings shared by the command line (which reads them) and the report writers (which
// apply them); they live with the data model so that neither layer depends on the other.
#pragma once

#include <cstdint>

namespace siteaudit::model {

// ColorMode is --color: colour the terminal summary always, never, or when it is a terminal.
enum class ColorMode : std::uint8_t { auto_detect, always, never };
// AnnotationMode is --annotations: CI workflow commands for the failures, on when GitHub
// Actions runs siteaudit (auto_detect), always (github) or never (none).
enum class AnnotationMode : std::uint8_t { auto_detect, github, none };
// Verbosity is --quiet / --verbose.
enum class Verbosity : std::uint8_t { quiet, normal, verbose };

}  // namespace siteaudit::model
