/*
 * guc.c — run-time parameters (PostgreSQL's GUCs) as a session sees them: SET / SET LOCAL /
 * RESET / SHOW / set_config / startup options, with PostgreSQL's validation, units,
 * canonical spellings, transactional undo, and the reported ones (ParameterStatus).
 *
 * The table holds what drivers and tools read or set; a name with a dot (myapp.x) is a
 * custom placeholder, as in PostgreSQL.  Settings that only an administrator can change in
 * PostgreSQL (max_connections, port ...) are shown and refuse SET with PostgreSQL's 55P02.
 */
#include "sql/sql_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum { G_BOOL, G_INT, G_REAL, G_STRING, G_ENUM } guc_type;
typedef enum { CTX_USER, CTX_INTERNAL, CTX_BACKEND } guc_context;   /* INTERNAL/BACKEND: read-only */
typedef enum { UNIT_NONE, UNIT_MS, UNIT_S, UNIT_MIN, UNIT_KB, UNIT_BLOCKS } guc_unit;

typedef struct guc_def {
    const char *name;
    guc_type type;
    guc_context context;
    const char *boot;         /* default value in SHOW's spelling */
    int64_t min, max;
    guc_unit unit;
    const char *const *enum_values;
    bool reported;
    int report_order;         /* position in PostgreSQL 15's startup ParameterStatus order */
    const char *description;
} guc_def;

static const char *const isolation_levels[] = {"serializable", "repeatable read", "read committed", "read uncommitted", NULL};
static const char *const bytea_outputs[] = {"hex", "escape", NULL};
static const char *const interval_styles[] = {"postgres", "postgres_verbose", "sql_standard", "iso_8601", NULL};
static const char *const message_levels[] = {"debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice",
                                             "warning", "error", "info", NULL};
static const char *const sync_commit[] = {"local", "remote_write", "remote_apply", "on", "off", NULL};
static const char *const log_statement_values[] = {"none", "ddl", "mod", "all", NULL};
/* pgvector's: accepted and shown; the embedded engine's search always continues until k rows
 * match (docs/vector.md), so they change nothing. */
static const char *const hnsw_iterative_scan[] = {"off", "relaxed_order", "strict_order", NULL};
static const char *const ivfflat_iterative_scan[] = {"off", "relaxed_order", NULL};

/* Sorted by name (SHOW ALL prints them in this order). */
static const guc_def gucs[] = {
    {"DateStyle", G_STRING, CTX_USER, "ISO, MDY", 0, 0, UNIT_NONE, NULL, true, 2, "Sets the display format for date and time values."},
    {"IntervalStyle", G_ENUM, CTX_USER, "postgres", 0, 0, UNIT_NONE, interval_styles, true, 6, "Sets the display format for interval values."},
    {"TimeZone", G_STRING, CTX_USER, "UTC", 0, 0, UNIT_NONE, NULL, true, 12, "Sets the time zone for displaying and interpreting time stamps."},
    {"application_name", G_STRING, CTX_USER, "", 0, 0, UNIT_NONE, NULL, true, 0, "Sets the application name to be reported in statistics and logs."},
    {"block_size", G_INT, CTX_INTERNAL, "8192", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the size of a disk block."},
    {"bytea_output", G_ENUM, CTX_USER, "hex", 0, 0, UNIT_NONE, bytea_outputs, false, 0, "Sets the output format for bytea."},
    {"client_encoding", G_STRING, CTX_USER, "UTF8", 0, 0, UNIT_NONE, NULL, true, 1, "Sets the client's character set encoding."},
    {"client_min_messages", G_ENUM, CTX_USER, "notice", 0, 0, UNIT_NONE, message_levels, false, 0, "Sets the message levels that are sent to the client."},
    {"default_text_search_config", G_STRING, CTX_USER, "pg_catalog.english", 0, 0, UNIT_NONE, NULL, false, 0, "Sets default text search configuration."},
    {"default_transaction_isolation", G_ENUM, CTX_USER, "read committed", 0, 0, UNIT_NONE, isolation_levels, false, 0, "Sets the transaction isolation level of each new transaction."},
    {"default_transaction_read_only", G_BOOL, CTX_USER, "off", 0, 0, UNIT_NONE, NULL, true, 3, "Sets the default read-only status of new transactions."},
    {"enable_indexscan", G_BOOL, CTX_USER, "on", 0, 0, UNIT_NONE, NULL, false, 0, "Enables the planner's use of index-scan plans."},
    {"enable_seqscan", G_BOOL, CTX_USER, "on", 0, 0, UNIT_NONE, NULL, false, 0, "Enables the planner's use of sequential-scan plans."},
    {"extra_float_digits", G_INT, CTX_USER, "1", -15, 3, UNIT_NONE, NULL, false, 0, "Sets the number of digits displayed for floating-point values."},
    {"hnsw.ef_search", G_INT, CTX_USER, "40", 1, 1000, UNIT_NONE, NULL, false, 0, "Sets the size of the dynamic candidate list for search."},
    {"hnsw.iterative_scan", G_ENUM, CTX_USER, "off", 0, 0, UNIT_NONE, hnsw_iterative_scan, false, 0, "Sets the mode for iterative scans."},
    {"hnsw.max_scan_tuples", G_INT, CTX_USER, "20000", 1, 2147483647, UNIT_NONE, NULL, false, 0, "Sets the max number of tuples to visit for iterative scans."},
    {"hnsw.scan_mem_multiplier", G_REAL, CTX_USER, "1", 1, 1000, UNIT_NONE, NULL, false, 0, "Sets the multiple of work_mem to use for iterative scans."},
    {"idle_in_transaction_session_timeout", G_INT, CTX_USER, "0", 0, 2147483647, UNIT_MS, NULL, false, 0, "Sets the maximum allowed idle time between queries, when in a transaction."},
    {"idle_session_timeout", G_INT, CTX_USER, "0", 0, 2147483647, UNIT_MS, NULL, false, 0, "Sets the maximum allowed idle time between queries, when not in a transaction."},
    {"in_hot_standby", G_BOOL, CTX_INTERNAL, "off", 0, 0, UNIT_NONE, NULL, true, 5, "Shows whether hot standby is currently active."},
    {"integer_datetimes", G_BOOL, CTX_INTERNAL, "on", 0, 0, UNIT_NONE, NULL, true, 4, "Shows whether datetimes are integer based."},
    {"is_superuser", G_BOOL, CTX_INTERNAL, "on", 0, 0, UNIT_NONE, NULL, true, 7, "Shows whether the current user is a superuser."},
    {"ivfflat.iterative_scan", G_ENUM, CTX_USER, "off", 0, 0, UNIT_NONE, ivfflat_iterative_scan, false, 0, "Sets the mode for iterative scans."},
    {"ivfflat.max_probes", G_INT, CTX_USER, "32768", 1, 32768, UNIT_NONE, NULL, false, 0, "Sets the max number of probes for iterative scans."},
    {"ivfflat.probes", G_INT, CTX_USER, "1", 1, 32768, UNIT_NONE, NULL, false, 0, "Sets the number of probes."},
    {"jit", G_BOOL, CTX_USER, "off", 0, 0, UNIT_NONE, NULL, false, 0, "Allow JIT compilation."},
    {"lc_collate", G_STRING, CTX_INTERNAL, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the collation order locale."},
    {"lc_ctype", G_STRING, CTX_INTERNAL, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the character classification and case conversion locale."},
    {"lc_messages", G_STRING, CTX_USER, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Sets the language in which messages are displayed."},
    {"lc_monetary", G_STRING, CTX_USER, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Sets the locale for formatting monetary amounts."},
    {"lc_numeric", G_STRING, CTX_USER, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Sets the locale for formatting numbers."},
    {"lc_time", G_STRING, CTX_USER, "C", 0, 0, UNIT_NONE, NULL, false, 0, "Sets the locale for formatting date and time values."},
    {"lock_timeout", G_INT, CTX_USER, "0", 0, 2147483647, UNIT_MS, NULL, false, 0, "Sets the maximum allowed duration of any wait for a lock."},
    {"log_statement", G_ENUM, CTX_USER, "none", 0, 0, UNIT_NONE, log_statement_values, false, 0, "Sets the type of statements logged."},
    {"maintenance_work_mem", G_INT, CTX_USER, "65536", 1024, 2147483647, UNIT_KB, NULL, false, 0, "Sets the maximum memory to be used for maintenance operations."},
    {"max_connections", G_INT, CTX_BACKEND, "100", 1, 262143, UNIT_NONE, NULL, false, 0, "Sets the maximum number of concurrent connections."},
    {"max_identifier_length", G_INT, CTX_INTERNAL, "63", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the maximum identifier length."},
    {"max_function_args", G_INT, CTX_INTERNAL, "100", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the maximum number of function arguments."},
    {"max_index_keys", G_INT, CTX_INTERNAL, "32", 0, 0, UNIT_NONE, NULL, false, 0, "Shows the maximum number of index keys."},
    {"max_parallel_maintenance_workers", G_INT, CTX_USER, "2", 0, 1024, UNIT_NONE, NULL, false, 0, "Sets the maximum number of parallel processes per maintenance operation."},
    {"row_security", G_BOOL, CTX_USER, "on", 0, 0, UNIT_NONE, NULL, false, 0, "Enable row security."},
    {"search_path", G_STRING, CTX_USER, DEFAULT_SEARCH_PATH, 0, 0, UNIT_NONE, NULL, false, 0, "Sets the schema search order for names that are not schema-qualified."},
    {"server_encoding", G_STRING, CTX_INTERNAL, "UTF8", 0, 0, UNIT_NONE, NULL, true, 8, "Shows the server (database) character set encoding."},
    {"server_version", G_STRING, CTX_INTERNAL, PGWIRE_SERVER_VERSION, 0, 0, UNIT_NONE, NULL, true, 9, "Shows the server version."},
    {"server_version_num", G_INT, CTX_INTERNAL, PGWIRE_SERVER_VERSION_NUM, 0, 0, UNIT_NONE, NULL, false, 0, "Shows the server version as an integer."},
    {"session_authorization", G_STRING, CTX_USER, "", 0, 0, UNIT_NONE, NULL, true, 10, "Sets the session user name."},
    {"standard_conforming_strings", G_BOOL, CTX_USER, "on", 0, 0, UNIT_NONE, NULL, true, 11, "Causes '...' strings to treat backslashes literally."},
    {"statement_timeout", G_INT, CTX_USER, "0", 0, 2147483647, UNIT_MS, NULL, false, 0, "Sets the maximum allowed duration of any statement."},
    {"synchronize_seqscans", G_BOOL, CTX_USER, "on", 0, 0, UNIT_NONE, NULL, false, 0, "Enable synchronized sequential scans."},
    {"synchronous_commit", G_ENUM, CTX_USER, "on", 0, 0, UNIT_NONE, sync_commit, false, 0, "Sets the current transaction's synchronization level."},
    {"timezone_abbreviations", G_STRING, CTX_USER, "Default", 0, 0, UNIT_NONE, NULL, false, 0, "Selects a file of time zone abbreviations."},
    {"transaction_isolation", G_ENUM, CTX_USER, "read committed", 0, 0, UNIT_NONE, isolation_levels, false, 0, "Sets the current transaction's isolation level."},
    {"transaction_read_only", G_BOOL, CTX_USER, "off", 0, 0, UNIT_NONE, NULL, false, 0, "Sets the current transaction's read-only status."},
    {"work_mem", G_INT, CTX_USER, "4096", 64, 2147483647, UNIT_KB, NULL, false, 0, "Sets the maximum memory to be used for query workspaces."},
    {"xmloption", G_STRING, CTX_USER, "content", 0, 0, UNIT_NONE, NULL, false, 0, "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments."},
};
#define NGUCS ARRAY_LEN(gucs)

/* A value change that a transaction end or a rollback may undo. */
typedef struct guc_undo {
    int index;                  /* into gucs, or -1 for a placeholder */
    char *placeholder;          /* its name */
    char *old_value;            /* NULL: did not exist (placeholder) */
    bool local;                 /* SET LOCAL: always undone at transaction end */
    struct guc_undo *prev;
} guc_undo;

struct guc_values {
    char *values[NGUCS];
    char *reset_values[NGUCS];  /* what RESET returns to (startup values) */
    char *last_reported[NGUCS]; /* reported settings: the value the client was last sent */
    hashmap placeholders;       /* custom "a.b" settings */
    guc_undo *undo;             /* newest first, while a transaction is open */
};

static int find_guc(const char *name)
{
    int lo = 0, hi = (int)NGUCS - 1;
    /* The table is sorted case-sensitively with upper case first; compare case-insensitively
     * by scanning, which is fine for a table this size. */
    (void)lo;
    (void)hi;
    for (size_t i = 0; i < NGUCS; i++)
        if (ascii_streq_ci(gucs[i].name, name))
            return (int)i;
    /* Aliases PostgreSQL accepts. */
    if (ascii_streq_ci(name, "time zone") || ascii_streq_ci(name, "timezone"))
        return find_guc("TimeZone");
    return -1;
}

guc_values *guc_create(const sql_server_config *cfg)
{
    guc_values *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    hashmap_init(&g->placeholders);
    for (size_t i = 0; i < NGUCS; i++) {
        const char *boot = gucs[i].boot;
        if (strcmp(gucs[i].name, "TimeZone") == 0 && cfg && cfg->default_timezone)
            boot = cfg->default_timezone;
        g->values[i] = strdup(boot);
        g->reset_values[i] = strdup(boot);
        if (!g->values[i] || !g->reset_values[i]) {
            guc_destroy(g);
            return NULL;
        }
    }
    return g;
}

static void free_undo(guc_undo *u)
{
    while (u) {
        guc_undo *prev = u->prev;
        free(u->placeholder);
        free(u->old_value);
        free(u);
        u = prev;
    }
}

void guc_destroy(guc_values *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < NGUCS; i++) {
        free(g->values[i]);
        free(g->reset_values[i]);
        free(g->last_reported[i]);
    }
    size_t cur = 0;
    void *v;
    while (hashmap_next(&g->placeholders, &cur, NULL, &v))
        free(v);
    hashmap_free(&g->placeholders);
    free_undo(g->undo);
    free(g);
}

const char *guc_get(const guc_values *g, const char *name)
{
    int i = find_guc(name);
    if (i >= 0)
        return g->values[i];
    return hashmap_get(&g->placeholders, name);
}

int64_t guc_get_int(const guc_values *g, const char *name)
{
    const char *v = guc_get(g, name);
    int64_t out = 0;
    if (v && !parse_int64(v, &out)) {
        /* Values with units are kept in their canonical unit form ("5s"): convert back. */
        char *end;
        double d = strtod(v, &end);
        while (*end == ' ')
            end++;
        if (strcmp(end, "s") == 0)
            d *= 1000;
        else if (strcmp(end, "min") == 0)
            d *= 60000;
        else if (strcmp(end, "h") == 0)
            d *= 3600000;
        else if (strcmp(end, "d") == 0)
            d *= 86400000;
        else if (strcmp(end, "MB") == 0)
            d *= 1024;
        else if (strcmp(end, "GB") == 0)
            d *= 1024 * 1024;
        out = (int64_t)d;
    }
    return out;
}

bool guc_get_bool(const guc_values *g, const char *name)
{
    const char *v = guc_get(g, name);
    bool b = false;
    return v && parse_bool_setting(v, &b) && b;
}

/* ---------------------------------------------------------------- validation */

static const char *unit_name(guc_unit u)
{
    switch (u) {
    case UNIT_MS: return "ms";
    case UNIT_S: return "s";
    case UNIT_MIN: return "min";
    case UNIT_KB: return "kB";
    default: return "";
    }
}

/* Parse "5s", "100 ms", "1min", "64MB" into the setting's base unit. */
static bool parse_with_unit(const char *value, guc_unit unit, int64_t *out)
{
    char *end;
    double d = strtod(value, &end);
    if (end == value)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (!*end) {
        *out = (int64_t)d;
        return d == (double)(int64_t)d;
    }
    static const struct { const char *name; guc_unit base; double factor; } units[] = {
        {"us", UNIT_MS, 0.001}, {"ms", UNIT_MS, 1}, {"s", UNIT_MS, 1000}, {"min", UNIT_MS, 60000},
        {"h", UNIT_MS, 3600000}, {"d", UNIT_MS, 86400000},
        {"B", UNIT_KB, 1.0 / 1024}, {"kB", UNIT_KB, 1}, {"MB", UNIT_KB, 1024}, {"GB", UNIT_KB, 1048576},
        {"TB", UNIT_KB, 1073741824.0},
    };
    for (size_t i = 0; i < ARRAY_LEN(units); i++) {
        if (strcmp(end, units[i].name) == 0 && units[i].base == unit) {
            *out = (int64_t)(d * units[i].factor + (d >= 0 ? 0.5 : -0.5));
            return true;
        }
    }
    return false;
}

/* Canonical display of a time value in ms as PostgreSQL's SHOW does: the largest unit that
 * divides it exactly. */
static char *format_with_unit(int64_t v, guc_unit unit)
{
    char buf[64];
    if (unit == UNIT_MS) {
        if (v == 0)
            snprintf(buf, sizeof buf, "0");
        else if (v % 86400000 == 0)
            snprintf(buf, sizeof buf, "%lldd", (long long)(v / 86400000));
        else if (v % 3600000 == 0)
            snprintf(buf, sizeof buf, "%lldh", (long long)(v / 3600000));
        else if (v % 60000 == 0)
            snprintf(buf, sizeof buf, "%lldmin", (long long)(v / 60000));
        else if (v % 1000 == 0)
            snprintf(buf, sizeof buf, "%llds", (long long)(v / 1000));
        else
            snprintf(buf, sizeof buf, "%lldms", (long long)v);
    } else if (unit == UNIT_KB) {
        if (v % 1048576 == 0)
            snprintf(buf, sizeof buf, "%lldGB", (long long)(v / 1048576));
        else if (v % 1024 == 0)
            snprintf(buf, sizeof buf, "%lldMB", (long long)(v / 1024));
        else
            snprintf(buf, sizeof buf, "%lldkB", (long long)v);
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)v);
    }
    return strdup(buf);
}

/* DateStyle: "ISO, MDY" from any of PostgreSQL's spellings. */
static char *canonical_datestyle(const char *value, const char *current, pg_error *err)
{
    const char *fmt = NULL, *order = NULL;
    char cur_fmt[16] = "ISO", cur_order[8] = "MDY";
    if (current) {
        sscanf(current, "%15[^,], %7s", cur_fmt, cur_order);
    }
    char *copy = strdup(value);
    if (!copy) {
        pg_error_oom(err);
        return NULL;
    }
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (ascii_streq_ci(tok, "ISO"))
            fmt = "ISO";
        else if (ascii_streq_ci(tok, "SQL"))
            fmt = "SQL";
        else if (ascii_streq_ci(tok, "Postgres"))
            fmt = "Postgres";
        else if (ascii_streq_ci(tok, "German")) {
            fmt = "German";
            if (!order)
                order = "DMY";
        } else if (ascii_streq_ci(tok, "YMD"))
            order = "YMD";
        else if (ascii_streq_ci(tok, "DMY") || ascii_streq_ci(tok, "Euro") || ascii_streq_ci(tok, "European"))
            order = "DMY";
        else if (ascii_streq_ci(tok, "MDY") || ascii_streq_ci(tok, "US") || ascii_streq_ci(tok, "NonEuro") ||
                 ascii_streq_ci(tok, "NonEuropean"))
            order = "MDY";
        else if (ascii_streq_ci(tok, "DEFAULT")) {
            fmt = "ISO";
            order = "MDY";
        } else {
            pg_error_set(err, "22023", "invalid value for parameter \"DateStyle\": \"%s\"", value);
            pg_error_detail(err, "Unrecognized key word: \"%s\".", tok);
            free(copy);
            return NULL;
        }
    }
    free(copy);
    char buf[32];
    snprintf(buf, sizeof buf, "%s, %s", fmt ? fmt : cur_fmt, order ? order : cur_order);
    return strdup(buf);
}

static char *validate(sql_session *s, int i, const char *value, pg_error *err)
{
    const guc_def *d = &gucs[i];
    switch (d->type) {
    case G_BOOL: {
        bool b;
        if (!parse_bool_setting(value, &b)) {
            pg_error_set(err, "22023", "parameter \"%s\" requires a Boolean value", d->name);
            return NULL;
        }
        return strdup(b ? "on" : "off");
    }
    case G_INT: {
        int64_t v;
        if (!parse_with_unit(value, d->unit, &v)) {
            pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", d->name, value);
            if (d->unit != UNIT_NONE)
                pg_error_hint(err, "Valid units for this parameter are %s.",
                              d->unit == UNIT_MS ? "\"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\""
                                                 : "\"B\", \"kB\", \"MB\", \"GB\", and \"TB\"");
            return NULL;
        }
        if ((d->min || d->max) && (v < d->min || v > d->max)) {
            pg_error_set(err, "22023", "%lld%s is outside the valid range for parameter \"%s\" (%lld .. %lld)",
                         (long long)v, unit_name(d->unit), d->name, (long long)d->min, (long long)d->max);
            return NULL;
        }
        return format_with_unit(v, d->unit);
    }
    case G_REAL: {
        char *end;
        double v = strtod(value, &end);
        while (*end == ' ')
            end++;
        if (end == value || *end) {
            pg_error_set(err, "22023", "parameter \"%s\" requires a numeric value", d->name);
            return NULL;
        }
        if ((d->min || d->max) && (v < (double)d->min || v > (double)d->max)) {
            pg_error_set(err, "22023", "%g is outside the valid range for parameter \"%s\" (%g .. %g)", v, d->name,
                         (double)d->min, (double)d->max);
            return NULL;
        }
        return strdup(value);
    }
    case G_ENUM:
        for (int k = 0; d->enum_values[k]; k++)
            if (ascii_streq_ci(d->enum_values[k], value))
                return strdup(d->enum_values[k]);
        {
            strbuf b;
            strbuf_init(&b);
            for (int k = 0; d->enum_values[k]; k++)
                strbuf_printf(&b, "%s%s", k ? ", " : "", d->enum_values[k]);
            pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", d->name, value);
            pg_error_hint(err, "Available values: %s.", b.data ? b.data : "");
            strbuf_free(&b);
        }
        return NULL;
    case G_STRING:
        if (strcmp(d->name, "DateStyle") == 0)
            return canonical_datestyle(value, s->gucs->values[i], err);
        if (strcmp(d->name, "TimeZone") == 0) {
            const tz_info *tz = tz_lookup(value);
            if (!tz) {
                pg_error_set(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", value);
                return NULL;
            }
            return strdup(value);
        }
        if (strcmp(d->name, "client_encoding") == 0) {
            /* PostgreSQL compares encoding names without case or punctuation (asyncpg sends
             * 'utf-8', quotes included). */
            char key[32];
            size_t n = 0;
            for (const char *c = value; *c && n + 1 < sizeof key; c++)
                if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
                    key[n++] = (char)(*c | 0x20);
            key[n] = 0;
            if (strcmp(key, "utf8") == 0 || strcmp(key, "unicode") == 0)
                return strdup("UTF8");
            if (strcmp(key, "sqlascii") == 0)
                return strdup("SQL_ASCII");
            pg_error_set(err, "0A000", "conversion between %s and UTF8 is not supported", value);
            return NULL;
        }
        if (strcmp(d->name, "application_name") == 0) {
            /* Non-printable ASCII becomes '?', as PostgreSQL does. */
            char *copy = strdup(value);
            if (copy)
                for (char *p = copy; *p; p++)
                    if ((unsigned char)*p < 32 || (unsigned char)*p > 126)
                        *p = '?';
            if (copy && strlen(copy) > 63)
                copy[63] = 0;
            return copy;
        }
        return strdup(value);
    }
    return strdup(value);
}

/* ---------------------------------------------------------------- SET / RESET */

static bool record_undo(sql_session *s, int index, const char *placeholder, const char *old, bool local)
{
    if (s->txn == TXN_IDLE && !local)
        return true;   /* outside a transaction SET is final */
    guc_undo *u = calloc(1, sizeof *u);
    if (!u)
        return false;
    u->index = index;
    u->placeholder = placeholder ? strdup(placeholder) : NULL;
    u->old_value = old ? strdup(old) : NULL;
    u->local = local;
    u->prev = s->gucs->undo;
    s->gucs->undo = u;
    return true;
}

static void changed(sql_session *s, int i)
{
    if (gucs[i].reported && i < 64) {
        s->params_changed[i] = true;
        s->any_param_changed = true;
    }
    session_refresh_type_settings(s);
}

/* Every transaction starts with transaction_isolation / transaction_read_only taken from
 * default_transaction_isolation / default_transaction_read_only, and outside a transaction
 * block each statement is one: so the transaction_ value follows its default, in the same
 * scope (undone with it), and BEGIN's options override it for the block (SET LOCAL). */
static bool mirror_transaction_default(sql_session *s, const char *name, const char *value, guc_scope scope,
                                       pg_error *err)
{
    if (strcmp(name, "default_transaction_isolation") != 0 && strcmp(name, "default_transaction_read_only") != 0)
        return true;
    int i = find_guc(name + strlen("default_"));
    guc_values *g = s->gucs;
    char *copy = strdup(value);
    if (!copy) {
        pg_error_oom(err);
        return false;
    }
    if (scope == GUC_SCOPE_STARTUP || scope == GUC_SCOPE_DEFAULT) {
        free(g->reset_values[i]);
        g->reset_values[i] = strdup(copy);
    } else if (!record_undo(s, i, NULL, g->values[i], scope == GUC_SCOPE_LOCAL)) {
        free(copy);
        pg_error_oom(err);
        return false;
    }
    free(g->values[i]);
    g->values[i] = copy;
    changed(s, i);   /* the session's cached settings (transaction_read_only) follow */
    return true;
}

bool guc_set(sql_session *s, const char *name, const char *value, guc_scope scope, pg_error *err)
{
    guc_values *g = s->gucs;
    int i = find_guc(name);
    if (i < 0) {
        if (!strchr(name, '.')) {
            pg_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
            return false;
        }
        /* A custom placeholder: any value. */
        char *old = hashmap_get(&g->placeholders, name);
        if (scope != GUC_SCOPE_STARTUP && scope != GUC_SCOPE_DEFAULT &&
            !record_undo(s, -1, name, old, scope == GUC_SCOPE_LOCAL)) {
            pg_error_oom(err);
            return false;
        }
        char *copy = strdup(value);
        if (!copy || !hashmap_put(&g->placeholders, name, copy)) {
            free(copy);
            pg_error_oom(err);
            return false;
        }
        free(old);
        return true;
    }
    const guc_def *d = &gucs[i];
    if (d->context == CTX_INTERNAL) {
        pg_error_set(err, "55P02", "parameter \"%s\" cannot be changed", d->name);
        return false;
    }
    if (d->context == CTX_BACKEND && scope != GUC_SCOPE_STARTUP) {
        pg_error_set(err, "55P02", "parameter \"%s\" cannot be changed without restarting the server", d->name);
        return false;
    }
    if (strcmp(d->name, "transaction_isolation") == 0 || strcmp(d->name, "transaction_read_only") == 0) {
        /* Only meaningful inside a transaction; SET outside affects nothing lasting. */
        scope = GUC_SCOPE_LOCAL;
    }
    char *canon = validate(s, i, value, err);
    if (!canon) {
        if (!pg_error_is_set(err))
            pg_error_oom(err);
        return false;
    }
    if (scope == GUC_SCOPE_STARTUP || scope == GUC_SCOPE_DEFAULT) {
        free(g->reset_values[i]);
        g->reset_values[i] = strdup(canon);
    } else if (!record_undo(s, i, NULL, g->values[i], scope == GUC_SCOPE_LOCAL)) {
        free(canon);
        pg_error_oom(err);
        return false;
    }
    bool differs = strcmp(g->values[i], canon) != 0;
    free(g->values[i]);
    g->values[i] = canon;
    if (differs || scope == GUC_SCOPE_STARTUP)
        changed(s, i);
    return mirror_transaction_default(s, d->name, canon, scope, err);
}

bool guc_reset(sql_session *s, const char *name, pg_error *err)
{
    int i = find_guc(name);
    if (i < 0) {
        if (strchr(name, '.')) {
            char *old = hashmap_remove(&s->gucs->placeholders, name);
            free(old);
            return true;
        }
        pg_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
        return false;
    }
    if (gucs[i].context != CTX_USER) {
        pg_error_set(err, "55P02", "parameter \"%s\" cannot be changed", gucs[i].name);
        return false;
    }
    return guc_set(s, gucs[i].name, s->gucs->reset_values[i], GUC_SCOPE_SESSION, err);
}

void guc_reset_all(sql_session *s)
{
    for (size_t i = 0; i < NGUCS; i++) {
        if (gucs[i].context != CTX_USER)
            continue;
        pg_error err = {0};
        if (!guc_set(s, gucs[i].name, s->gucs->reset_values[i], GUC_SCOPE_SESSION, &err))
            pg_error_clear(&err);
    }
}

const char *guc_show(sql_session *s, const char *name, pg_error *err)
{
    if (ascii_streq_ci(name, "is_superuser") || ascii_streq_ci(name, "session_authorization")) {
        int i = find_guc(name);
        if (strcmp(gucs[i].name, "session_authorization") == 0 && !s->gucs->values[i][0])
            return s->user;
    }
    const char *v = guc_get(s->gucs, name);
    if (!v)
        pg_error_set(err, "42704", "unrecognized configuration parameter \"%s\"", name);
    return v;
}

size_t guc_count(void) { return NGUCS; }

bool guc_at(sql_session *s, size_t i, const char **name, const char **value, const char **description)
{
    if (i >= NGUCS)
        return false;
    *name = gucs[i].name;
    *value = s->gucs->values[i];
    if (strcmp(gucs[i].name, "session_authorization") == 0 && !**value)
        *value = s->user;
    *description = gucs[i].description;
    return true;
}

/* ---------------------------------------------------------------- transactions */

struct guc_undo *guc_mark(sql_session *s)
{
    return s->gucs->undo;
}

static void apply_undo(sql_session *s, guc_undo *u)
{
    guc_values *g = s->gucs;
    if (u->index >= 0) {
        if (u->old_value) {
            bool differs = strcmp(g->values[u->index], u->old_value) != 0;
            free(g->values[u->index]);
            g->values[u->index] = strdup(u->old_value);
            if (!g->values[u->index])
                g->values[u->index] = strdup(gucs[u->index].boot);
            if (differs)
                changed(s, u->index);
        }
    } else if (u->placeholder) {
        char *cur = hashmap_remove(&g->placeholders, u->placeholder);
        free(cur);
        if (u->old_value) {
            char *copy = strdup(u->old_value);
            if (copy && !hashmap_put(&g->placeholders, u->placeholder, copy))
                free(copy);
        }
    }
}

/* Commit: SET LOCAL values are undone, plain SET values stay. */
void guc_commit(sql_session *s)
{
    guc_values *g = s->gucs;
    /* Undo SET LOCAL in reverse order; to get the right final value for a setting changed by
     * both SET and SET LOCAL, walk newest first and restore only local entries whose value
     * was set after the last plain SET of the same setting. */
    for (guc_undo *u = g->undo; u; u = u->prev) {
        if (!u->local)
            continue;
        bool later_plain = false;
        for (guc_undo *v = g->undo; v != u; v = v->prev)
            if (!v->local && v->index == u->index &&
                (u->index >= 0 || (u->placeholder && v->placeholder && strcmp(u->placeholder, v->placeholder) == 0)))
                later_plain = true;
        if (!later_plain)
            apply_undo(s, u);
    }
    free_undo(g->undo);
    g->undo = NULL;
}

void guc_rollback_to(sql_session *s, struct guc_undo *mark)
{
    guc_values *g = s->gucs;
    while (g->undo && g->undo != mark) {
        guc_undo *u = g->undo;
        g->undo = u->prev;
        u->prev = NULL;
        apply_undo(s, u);
        free_undo(u);
    }
}

/* ---------------------------------------------------------------- search_path */

size_t guc_search_path(sql_session *s, const cat_snapshot *cat, const char **out, size_t max)
{
    const char *path = s->search_path_override ? s->search_path_override : guc_get(s->gucs, "search_path");
    size_t n = 0;
    static __thread char buf[1024];
    snprintf(buf, sizeof buf, "%s", path ? path : "public");
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        size_t len = strlen(tok);
        while (len && isspace((unsigned char)tok[len - 1]))
            tok[--len] = 0;
        if (tok[0] == '"' && len >= 2 && tok[len - 1] == '"') {
            tok[len - 1] = 0;
            tok++;
        } else {
            for (char *p = tok; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        }
        if (strcmp(tok, "$user") == 0) {
            if (cat && cat_find_namespace(cat, s->user))
                out[n++] = s->user;
            continue;
        }
        if (!*tok)
            continue;
        if (cat) {
            const cat_namespace *ns = cat_find_namespace(cat, tok);
            if (!ns)
                continue;
            out[n++] = ns->name;
        } else {
            out[n++] = tok;
        }
    }
    return n;
}

/* ---------------------------------------------------------------- ParameterStatus */

static const char *reported_value(sql_session *s, size_t i)
{
    if (strcmp(gucs[i].name, "session_authorization") == 0 && !s->gucs->values[i][0])
        return s->user;
    return s->gucs->values[i];
}

size_t sql_session_reported_params(sql_session *s, sql_param_status *out, size_t max)
{
    size_t n = 0;
    for (int order = 0; order < 16; order++)
        for (size_t i = 0; i < NGUCS && n < max; i++)
            if (gucs[i].reported && gucs[i].report_order == order) {
                out[n].name = gucs[i].name;
                out[n].value = reported_value(s, i);
                free(s->gucs->last_reported[i]);
                s->gucs->last_reported[i] = xstrdup(out[n].value);
                n++;
            }
    return n;
}

size_t sql_session_take_changed_params(sql_session *s, sql_param_status *out, size_t max)
{
    size_t n = 0;
    if (!s->any_param_changed)
        return 0;
    s->any_param_changed = false;
    for (size_t i = 0; i < NGUCS && i < ARRAY_LEN(s->params_changed); i++) {
        if (!s->params_changed[i])
            continue;
        s->params_changed[i] = false;
        /* As ReportChangedGUCOptions: only a value that differs from what the client was
         * last told (a SET undone by ROLLBACK before the report is not reported). */
        const char *value = reported_value(s, i);
        char **last = &s->gucs->last_reported[i];
        if (*last && strcmp(*last, value) == 0)
            continue;
        if (n < max) {
            free(*last);
            *last = xstrdup(value);
            out[n].name = gucs[i].name;
            out[n].value = value;
            n++;
        }
    }
    return n;
}

bool sql_is_session_setting(const char *name)
{
    return find_guc(name) >= 0 || strchr(name, '.') != NULL;
}

/* ---------------------------------------------------------------- pg_settings */

bool guc_describe(sql_session *s, size_t i, guc_setting_info *out, strbuf *scratch)
{
    if (i >= NGUCS)
        return false;
    const guc_def *d = &gucs[i];
    memset(out, 0, sizeof *out);
    strbuf_reset(scratch);
    out->name = d->name;
    const char *value = s->gucs->values[i];
    if (strcmp(d->name, "session_authorization") == 0 && !*value)
        value = s->user;
    /* pg_settings shows integers in the setting's base unit, without the unit. */
    size_t setting_at = scratch->len, min_at = 0, max_at = 0, enums_at = 0;
    int64_t n;
    if (d->type == G_INT && d->unit != UNIT_NONE && parse_with_unit(value, d->unit, &n))
        strbuf_printf(scratch, "%lld", (long long)n);
    else
        strbuf_puts(scratch, value);
    strbuf_putc(scratch, 0);
    if (d->type == G_INT || d->type == G_REAL) {
        min_at = scratch->len;
        strbuf_printf(scratch, "%lld", (long long)d->min);
        strbuf_putc(scratch, 0);
        max_at = scratch->len;
        strbuf_printf(scratch, "%lld", (long long)d->max);
        strbuf_putc(scratch, 0);
    }
    if (d->type == G_ENUM && d->enum_values) {
        enums_at = scratch->len;
        strbuf_putc(scratch, '[');
        for (int k = 0; d->enum_values[k]; k++)
            strbuf_printf(scratch, "%s\"%s\"", k ? "," : "", d->enum_values[k]);
        strbuf_putc(scratch, ']');
        strbuf_putc(scratch, 0);
    }
    if (scratch->failed)
        return false;
    out->setting = scratch->data + setting_at;
    out->min_val = min_at ? scratch->data + min_at : NULL;
    out->max_val = max_at ? scratch->data + max_at : NULL;
    out->enumvals = enums_at ? scratch->data + enums_at : NULL;
    out->unit = d->unit == UNIT_NONE ? NULL : unit_name(d->unit);
    static const char *const vartypes[] = {"bool", "integer", "real", "string", "enum"};
    out->vartype = vartypes[d->type];
    out->context = d->context == CTX_USER ? "user" : d->context == CTX_INTERNAL ? "internal" : "backend";
    out->short_desc = d->description;
    out->boot_val = d->boot;
    out->reset_val = s->gucs->reset_values[i];
    out->source = strcmp(value, d->boot) == 0 ? "default" : "session";
    return true;
}

/* ---------------------------------------------------------------- engine callbacks */

/* current_setting(): the value SHOW prints. */
static const char *engine_get_setting(void *session, const char *name, pg_error *err)
{
    return guc_show(session, name, err);
}

/* set_config(name, value, is_local) */
static bool engine_set_setting(void *session, const char *name, const char *value, bool is_local, pg_error *err)
{
    if (!value)
        return guc_reset(session, name, err);
    return guc_set(session, name, value, is_local ? GUC_SCOPE_LOCAL : GUC_SCOPE_SESSION, err);
}

/* current_schemas(implicit) and current_schema(): existing schemas of search_path, with
 * pg_catalog in front when it is searched implicitly (PostgreSQL's fetch_search_path). */
static size_t engine_search_path(void *session, bool implicit, const char **out, size_t max, arena *mem)
{
    sql_session *s = session;
    cat_snapshot *cat = s->private_catalog ? s->private_catalog : catalog_snapshot_cached(s->db);
    const char *path[64];
    size_t n = guc_search_path(s, cat, path, ARRAY_LEN(path));
    size_t k = 0;
    if (implicit && k < max) {
        bool listed = false;
        for (size_t i = 0; i < n; i++)
            if (strcmp(path[i], "pg_catalog") == 0)
                listed = true;
        if (!listed)
            out[k++] = "pg_catalog";
    }
    for (size_t i = 0; i < n && k < max; i++)
        out[k++] = path[i];
    for (size_t i = 0; i < k; i++)
        out[i] = arena_strdup(mem, out[i]);
    if (cat && cat != s->private_catalog)
        cat_snapshot_unref(cat);
    return k;
}

static bool engine_notify(void *session, const char *channel, const char *payload, pg_error *err)
{
    return notify_queue(session, channel, payload, err);
}

const engine_session_ops guc_engine_session_ops = {
    .get_setting = engine_get_setting,
    .set_setting = engine_set_setting,
    .search_path = engine_search_path,
    .notify = engine_notify,
    .sequence_value = session_sequence_value,
    .sequence_current = session_sequence_current,
    .sequence_last = session_sequence_last,
    .advisory = session_advisory,
};
