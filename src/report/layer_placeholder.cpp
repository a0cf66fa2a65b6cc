// report layer: sources land here.
namespace siteaudit {}
