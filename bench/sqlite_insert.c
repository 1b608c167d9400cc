/* What SQLite alone takes to store the ingest benchmark's rows: the lower bound on any ingest
   that writes them into a SQLite file, dq's included. Reads rows from a file of NUL-separated
   fields (id, text, label, id, text, label, ...) into memory, then appends them to a table
   with dq's `samples` columns in one transaction, with dq's bulk-append settings (16 KiB pages,
   rollback journal, 4 MiB page cache, synchronous NORMAL, no memory statistics), one prepared
   INSERT per row with its values bound in place. It checks nothing, hashes nothing and detects
   no duplicates. Usage: sqlite_insert ROWS.bin DB.sqlite
   Built by bench/ingest_bench.py with `cc -O2 ... -lsqlite3`; not part of dq. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "sqlite_insert: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    exit(1);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: sqlite_insert ROWS.bin DB.sqlite\n"); return 2; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) fail(NULL, argv[1]);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *bytes = malloc(size);
    if (!bytes || fread(bytes, 1, size, file) != (size_t)size) fail(NULL, "reading the rows");
    fclose(file);

    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3 *db;
    if (sqlite3_open(argv[2], &db) != SQLITE_OK) fail(db, "open");
    if (sqlite3_exec(db,
            "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE; PRAGMA cache_size = -4096;"
            "PRAGMA synchronous = NORMAL;"
            "CREATE TABLE samples (id INTEGER PRIMARY KEY, ingest_id INTEGER NOT NULL,"
            " source_row INTEGER NOT NULL, external_id TEXT, text TEXT NOT NULL, text_pair TEXT,"
            " label TEXT NOT NULL, metadata TEXT);", 0, 0, 0) != SQLITE_OK) fail(db, "schema");
    sqlite3_stmt *insert;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO samples (ingest_id, source_row, external_id, text, text_pair, label, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &insert, 0) != SQLITE_OK) fail(db, "prepare");
    if (sqlite3_exec(db, "BEGIN", 0, 0, 0) != SQLITE_OK) fail(db, "begin");
    long row = 0;
    for (char *at = bytes, *end = bytes + size; at < end; row++) {
        char *fields[3];
        int lengths[3];
        for (int f = 0; f < 3; f++) {
            char *stop = memchr(at, 0, end - at);
            if (!stop) fail(NULL, "a row without three NUL-terminated fields");
            fields[f] = at;
            lengths[f] = (int)(stop - at);
            at = stop + 1;
        }
        sqlite3_bind_int64(insert, 1, 1);
        sqlite3_bind_int64(insert, 2, row + 2);
        sqlite3_bind_text(insert, 3, fields[0], lengths[0], SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, fields[1], lengths[1], SQLITE_STATIC);
        sqlite3_bind_null(insert, 5);
        sqlite3_bind_text(insert, 6, fields[2], lengths[2], SQLITE_STATIC);
        sqlite3_bind_null(insert, 7);
        if (sqlite3_step(insert) != SQLITE_DONE) fail(db, "insert");
        sqlite3_reset(insert);
    }
    if (sqlite3_exec(db, "COMMIT", 0, 0, 0) != SQLITE_OK) fail(db, "commit");
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("%ld\n", row);
    return 0;
}
