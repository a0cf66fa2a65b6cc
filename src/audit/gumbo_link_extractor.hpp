// gumbo_link_extractor.hpp — where the oracle is known to be wrong.
//
// Gumbo 0.10.1 gives every element it does not know the same tag value and compares end tags
// by that value, so `</d>` closes an open `<f>` (the HTML standard and MyHTML compare names;
// `<f><a href></d>i` is one link for them, two for gumbo). And it drops a NUL that starts an
// attribute name, where the standard makes it U+FFFD (`<link rel=canonical\0href>` has an href
// for gumbo only). A repeated attribute without a value is glued to the next name
// (`<a x x href=/y>` has no href for gumbo), so any tag that names an attribute twice is
// flagged. In SVG or MathML, an end tag without a name (`</>`, which the standard drops) or
// with more than its name (`</svg/>`, `</math >`, which the standard reads as `</svg>` and
// `</math>`) makes gumbo lose its place, so what follows stays foreign (an SVG `use` there
// loads its href for gumbo only; an <image> there is no <img> for gumbo). The
// differential test and the fuzzer skip such input rather than hold MyHTML to gumbo's bugs.
//
// Example:
//   if (!gumbo_misreads(html)) CHECK(links(myhtml, html) == links(gumbo, html));
//
// Thread safety: a pure function.
#pragma once

#include <string_view>

namespace siteaudit::audit {

// gumbo_misreads() is true when `page`, read as input_stream() makes it (as both extractors
// read it), has a NUL byte, a noncharacter (which gumbo replaces by U+FFFD, where the
// standard keeps it), an end tag naming an element gumbo does not know, a start tag
// naming an attribute twice, or an end tag with no name or more than its name in a page with
// an <svg> or <math> tag (wherever they are, even inside script text: a false alarm only
// skips an input).
bool gumbo_misreads(std::string_view page);

}  // namespace siteaudit::audit
