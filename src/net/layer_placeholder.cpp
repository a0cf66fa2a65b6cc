// net layer: sources land here.
namespace siteaudit {}
