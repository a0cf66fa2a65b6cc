// main.cpp — the siteaudit command line (placeholder until the audit pipeline lands).
#include <cstdio>

int main() {
  std::puts("siteaudit " SITEAUDIT_VERSION ": the audit pipeline is not built yet");
  return 2;
}
