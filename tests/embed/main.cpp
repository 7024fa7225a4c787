// Catch2's main for ppl_embed_tests, alone in its file: GCC 12 with the sanitizers reports
// false maybe-uninitialized warnings in Catch2's own code (std::regex), silenced for this file only.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
