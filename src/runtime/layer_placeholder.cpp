// runtime layer: sources land here.
namespace siteaudit {}
