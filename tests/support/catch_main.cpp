// catch_main.cpp — the single Catch2 main every test suite links.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
