/*
 * test_sqlite_function_names.c — no two groups of engine functions register the same SQLite
 * function (name and argument count).
 *
 * SQLite lets a later sqlite3_create_function replace an earlier one without a word, so two
 * layers choosing the same name (the catalog's int2vector helper and pgvector's vector cast
 * were both pgw_vector_to_array) silently broke whichever registered first.  Each group is
 * registered alone on a fresh in-memory database and the functions it adds are read back from
 * pragma_function_list (its table-valued functions from pragma_module_list); a (name, argument
 * count) added by two groups is a failure.
 */
#include "backend/sqlite_internal.h"
#include "unit.h"

#include <sqlite3.h>

#define MAX_FUNCTIONS 4096
/* Functions by name and argument count, and table-valued functions (modules, narg -2). */
#define ENGINE_NAMES "SELECT name, narg FROM pragma_function_list UNION SELECT name, -2 FROM pragma_module_list"

typedef struct registered {
    char name[64];
    int nargs;
    int group;
} registered;

static registered found[MAX_FUNCTIONS];
static int nfound;

/* The functions a group adds to a fresh database, appended to `found`. */
static int collect_group(sqlite_function_group group, int index)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return -1;
    /* Registration only stores the connection as user data: it is never read here. */
    engine_conn conn = {0};
    int added = -1;
    sqlite3_stmt *st = NULL;
    /* What the engine has before the group (SQLite's own and its extensions' functions). */
    if (sqlite3_exec(db, "CREATE TEMP TABLE before_group AS " ENGINE_NAMES, NULL,
                     NULL, NULL) == SQLITE_OK &&
        group(db, &conn) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           ENGINE_NAMES " EXCEPT SELECT name, narg FROM temp.before_group",
                           -1, &st, NULL) == SQLITE_OK) {
        added = 0;
        while (sqlite3_step(st) == SQLITE_ROW && nfound < MAX_FUNCTIONS) {
            registered *r = &found[nfound++];
            snprintf(r->name, sizeof r->name, "%s", (const char *)sqlite3_column_text(st, 0));
            r->nargs = sqlite3_column_int(st, 1);
            r->group = index;
            added++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return added;
}

static void test_no_function_is_registered_by_two_groups(void)
{
    nfound = 0;
    for (size_t g = 0; g < sqlite_function_groups_len; g++) {
        int added = collect_group(sqlite_function_groups[g], (int)g);
        if (added <= 0)
            fprintf(stderr, "  group %zu registered no function\n", g);
        CHECK(added > 0);
    }
    CHECK(nfound < MAX_FUNCTIONS);
    int clashes = 0;
    for (int i = 0; i < nfound; i++)
        for (int j = i + 1; j < nfound; j++)
            if (found[i].group != found[j].group && found[i].nargs == found[j].nargs &&
                strcmp(found[i].name, found[j].name) == 0) {
                fprintf(stderr, "  %s/%d is registered by groups %d and %d\n", found[i].name, found[i].nargs,
                        found[i].group, found[j].group);
                clashes++;
            }
    CHECK_INT(clashes, 0);
}

int main(void)
{
    RUN(test_no_function_is_registered_by_two_groups);
    return UNIT_DONE();
}
