/*
 * test_golden_sqlite.c — golden files for the SQLite emitter: PostgreSQL SQL in
 * (tests/unit/sql/golden_sqlite/<theme>.sql), SQLite SQL out (<theme>.out).
 *
 * A case is a statement (it may span lines) ending with ';' at the end of a line; the
 * comment lines before it are kept in the output.  The output shows every engine statement
 * of the plan with the PostgreSQL parameter each `?` binds, the result columns with their
 * type OIDs, or the error with its SQLSTATE.  Any difference fails the test;
 * GOLDEN_UPDATE=1 rewrites the .out files (review the diff before committing).
 * GOLDEN_SQL='select ...' prints the translation of one statement and checks nothing.
 *
 * The catalog the translation resolves names against is a temporary SQLite database made
 * with the schema below.
 */
#include "unit.h"

#include "sql/sql_internal.h"

#include <dirent.h>
#include <unistd.h>

static const char *const schema_sql[] = {
    "CREATE TABLE items (id serial PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), qty integer DEFAULT 0,"
    " created timestamptz, active boolean, tags text[], doc jsonb, score double precision, data bytea, code char(3))",
    "CREATE TABLE orders (id integer PRIMARY KEY, item_id integer REFERENCES items, placed date, total double precision,"
    " note text)",
    "CREATE TABLE kv (k text PRIMARY KEY, v text)",
    "CREATE TABLE gen (a int, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS IDENTITY)",
    "CREATE SCHEMA sales",
    "CREATE TABLE sales.region (code varchar(8) PRIMARY KEY, label text)",
    "CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 10",
    "CREATE SEQUENCE ticket",
};

typedef struct env {
    backend *b;
    sql_server *srv;
    sql_session *s;
} env;

static bool open_env(env *e, const char *dir)
{
    pg_error err = {0};
    backend_config bc = {
        .kind = BACKEND_SQLITE,
        .data_directory = dir,
        .dialect = DIALECT_SQLITE,
        .pool_size = 2,
        .public_schema = "",
    };
    sql_server_config sc = {.plan_cache_entries = 64, .default_timezone = "UTC"};
    sql_startup st = {.user = "postgres", .database = "postgres", .backend_pid = 1};
    if (!backend_create(&bc, &e->b, &err) || !sql_server_create(e->b, &sc, &e->srv, &err) ||
        !sql_session_create(e->srv, &st, &e->s, &err)) {
        fprintf(stderr, "setup: %s\n", err.message ? err.message : "?");
        pg_error_clear(&err);
        return false;
    }
    return true;
}

static void close_env(env *e)
{
    if (e->s) {
        sql_session_disconnect(e->s);
        sql_session_destroy(e->s);
    }
    sql_server_destroy(e->srv);
    backend_destroy(e->b);
    memset(e, 0, sizeof *e);
}

static bool run(env *e, const char *sql)
{
    pg_error err = {0};
    sql_plan *p = NULL;
    sql_portal *portal = NULL;
    bool ok = sql_plan_create(e->s, sql, strlen(sql), 0, NULL, 0, &p, &err) &&
              sql_portal_create(e->s, p, NULL, 0, &portal, &err);
    sql_run_status r = SQL_RUN_ERROR;
    while (ok && (r = sql_portal_next(portal, &err)) == SQL_RUN_ROW)
        ;
    ok = ok && r == SQL_RUN_DONE;
    if (!ok) {
        fprintf(stderr, "schema: %s: %s\n", sql, err.message ? err.message : "?");
        sql_session_abort_statement(e->s);
    }
    sql_portal_close(portal);
    if (p)
        sql_plan_unref(p);
    pg_error_clear(&err);
    return ok;
}

/* One case: the translation as text. */
static void translate(env *e, const char *sql, strbuf *out)
{
    pg_error err = {0};
    sql_plan *p = NULL;
    size_t len = strlen(sql);
    while (len && (sql[len - 1] == ';' || sql[len - 1] == '\n' || sql[len - 1] == ' '))
        len--;
    if (!sql_plan_create(e->s, sql, len, 0, NULL, 0, &p, &err)) {
        strbuf_printf(out, "ERROR %s: %s\n", err.sqlstate, err.message ? err.message : "");
        pg_error_clear(&err);
        return;
    }
    if (p->kind == PLAN_UTILITY)
        strbuf_printf(out, "(answered by the server: %s)\n", p->command);
    for (int i = 0; i < p->nsteps; i++) {
        strbuf_printf(out, "=> %s\n", p->steps[i].sql);
        if (p->steps[i].nparams) {
            strbuf_puts(out, "   params:");
            for (int k = 0; k < p->steps[i].nparams; k++)
                strbuf_printf(out, " $%d", p->steps[i].param_map[k]);
            strbuf_putc(out, '\n');
        }
        if (p->steps[i].rows_into)
            strbuf_printf(out, "   rows into: %s\n", p->steps[i].rows_into);
    }
    if (p->ncolumns > 0) {
        strbuf_puts(out, "   columns:");
        for (int i = 0; i < p->ncolumns; i++)
            strbuf_printf(out, " %s(%u)", p->columns[i].name, p->columns[i].type_oid);
        strbuf_putc(out, '\n');
    }
    sql_plan_unref(p);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    strbuf b;
    strbuf_init(&b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(&b, buf, n);
    fclose(f);
    return strbuf_steal(&b);
}

static const char *golden_dir(void)
{
    static char dir[1024];
    const char *src = getenv("GOLDEN_DIR");
    snprintf(dir, sizeof dir, "%s", src ? src : "tests/unit/sql/golden_sqlite");
    return dir;
}

/* Translate every case of one file into `out`. */
static void run_file(env *e, const char *text, strbuf *out, int *cases)
{
    strbuf sql;
    strbuf_init(&sql);
    const char *line = text;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        if (sql.len == 0 && ll >= 2 && line[0] == '-' && line[1] == '-') {
            strbuf_printf(out, "%.*s\n", (int)ll, line);
        } else if (ll || sql.len) {
            strbuf_printf(&sql, "%.*s\n", (int)ll, line);
            size_t end = ll;
            while (end && (line[end - 1] == ' ' || line[end - 1] == '\t'))
                end--;
            if (end && line[end - 1] == ';') {
                (*cases)++;
                strbuf_append(out, sql.data, sql.len);
                translate(e, sql.data, out);
                strbuf_putc(out, '\n');
                strbuf_reset(&sql);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (sql.len) {
        strbuf_puts(out, "!! statement without a final ';':\n");
        strbuf_append(out, sql.data, sql.len);
    }
    strbuf_free(&sql);
}

static void test_golden_files(void)
{
    char dir[] = "/tmp/pgwire-golden-sqlite-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    env e = {0};
    CHECK(open_env(&e, dir));
    for (size_t i = 0; e.s && i < ARRAY_LEN(schema_sql); i++)
        CHECK(run(&e, schema_sql[i]));
    const char *one = getenv("GOLDEN_SQL");
    if (one && e.s) {
        strbuf out;
        strbuf_init(&out);
        translate(&e, one, &out);
        fputs(out.data ? out.data : "", stdout);
        strbuf_free(&out);
        close_env(&e);
        return;
    }
    DIR *d = opendir(golden_dir());
    CHECK(d != NULL);
    int files = 0, cases = 0;
    bool update = getenv("GOLDEN_UPDATE") && strcmp(getenv("GOLDEN_UPDATE"), "1") == 0;
    struct dirent *de;
    while (d && e.s && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".sql") != 0)
            continue;
        char in_path[1400], out_path[1400];
        snprintf(in_path, sizeof in_path, "%s/%s", golden_dir(), de->d_name);
        snprintf(out_path, sizeof out_path, "%s/%.*s.out", golden_dir(), (int)(n - 4), de->d_name);
        char *text = read_file(in_path);
        CHECK(text != NULL);
        if (!text)
            continue;
        files++;
        strbuf out;
        strbuf_init(&out);
        run_file(&e, text, &out, &cases);
        free(text);
        if (update) {
            FILE *f = fopen(out_path, "w");
            CHECK(f != NULL);
            if (f) {
                fwrite(out.data, 1, out.len, f);
                fclose(f);
            }
        } else {
            char *expected = read_file(out_path);
            if (!expected || strcmp(expected, out.data ? out.data : "") != 0) {
                fprintf(stderr, "  %s differs from the translation (GOLDEN_UPDATE=1 rewrites it):\n", out_path);
                char actual_path[1500];
                snprintf(actual_path, sizeof actual_path, "%s/%s.actual", dir, de->d_name);
                FILE *f = fopen(actual_path, "w");
                if (f) {
                    fwrite(out.data, 1, out.len, f);
                    fclose(f);
                    fprintf(stderr, "  actual output: %s (diff -u %s %s)\n", actual_path, out_path, actual_path);
                }
                unit_failures_in_test++;
            }
            free(expected);
        }
        strbuf_free(&out);
    }
    if (d)
        closedir(d);
    CHECK(files >= 8);
    CHECK(cases >= 150);
    close_env(&e);
    if (!unit_failures_in_test) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "  could not remove %s\n", dir);
    }
}

int main(void)
{
    RUN(test_golden_files);
    return UNIT_DONE();
}
