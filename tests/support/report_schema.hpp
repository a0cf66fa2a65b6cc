// report_schema.hpp — validating a JSON report against man/siteaudit-report.schema.json as
// strictly as the writer is meant to write it.
//
// The shipped schema lets readers ignore keys added later (the man page promises that new keys
// keep the schema id), so it does not forbid unknown keys. The tests do: kValidateReport closes
// every object of the schema that lists its properties before validating, so a misspelt or
// undocumented key in our own output still fails.
//
//   python3 -c kValidateReport REPORT.json SCHEMA.json   # exit 0 when valid
#pragma once

namespace siteaudit::testing {

inline constexpr const char* kValidateReport =
    "import json,sys,jsonschema\n"
    "def close(s):\n"
    "  if isinstance(s, dict):\n"
    "    if \"properties\" in s: s.setdefault(\"additionalProperties\", False)\n"
    "    for v in s.values(): close(v)\n"
    "  elif isinstance(s, list):\n"
    "    for v in s: close(v)\n"
    "schema = json.load(open(sys.argv[2]))\n"
    "close(schema)\n"
    "jsonschema.validate(json.load(open(sys.argv[1])), schema)\n";

}  // namespace siteaudit::testing
