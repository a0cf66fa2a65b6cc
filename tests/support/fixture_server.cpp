// Placeholder replaced by the fixture-server work (issue 2).
#include "support/fixture_server.hpp"
