#include <sqlite3.h>

/// Turns off SQLite's memory statistics, which take a global mutex on every allocation.
/// Must run before the first connection is opened; Swift cannot call the variadic
/// sqlite3_config itself.
static inline int dq_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
