/*
 * type_lookup.c — finding a pg_type row by OID or by name, and format_type().
 *
 * The hashes are generated beside the table (scripts/gen-type-table.py); the functions here
 * must compute the same hash values as the script: FNV-1a over the lower-cased name, Knuth's
 * multiplicative hash of the OID, linear probing.  No allocation, no locking: everything is
 * immutable data, so the SQL layer may call these per column.
 */
#include "types/types_internal.h"

static uint32_t oid_hash(pg_oid oid)
{
    return (uint32_t)(oid * UINT32_C(2654435761));
}

static uint32_t name_hash(const char *s, size_t n)
{
    uint32_t h = UINT32_C(0x811C9DC5);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT32_C(0x01000193);
    }
    return h;
}

const pg_type_info *types_by_oid(pg_oid oid)
{
    size_t mask = types_oid_hash_size - 1;
    for (size_t h = oid_hash(oid) & mask;; h = (h + 1) & mask) {
        uint16_t i = types_oid_hash[h];
        if (!i)
            return NULL;
        if (types_table[i - 1].oid == oid)
            return &types_table[i - 1];
    }
}

const pg_type_info *types_at(size_t index)
{
    return index < types_table_len ? &types_table[index] : NULL;
}

size_t types_count(void)
{
    return types_table_len;
}

/* Probe the name hash for an exact (already normalised) key. */
static const pg_type_info *probe_name(const char *key, size_t n, bool typname_only)
{
    size_t mask = types_name_hash_size - 1;
    for (size_t h = name_hash(key, n) & mask;; h = (h + 1) & mask) {
        const types_name_slot *slot = &types_name_hash[h];
        if (!slot->index1)
            return NULL;
        if (typname_only && slot->alias)
            continue;
        if (strncmp(slot->name, key, n) == 0 && slot->name[n] == 0)
            return &types_table[slot->index1 - 1];
    }
}

const pg_type_info *types_by_typname(const char *typname)
{
    return probe_name(typname, strlen(typname), true);
}

/*
 * Normalise a SQL spelling into `key`: lower case outside double quotes, runs of white space
 * folded into one space, "pg_catalog." dropped, type modifiers "(…)" removed, trailing "[]"
 * counted.  Returns false when the name cannot be a type name (too long, unbalanced).
 */
static bool normalise_name(const char *name, char *key, size_t cap, size_t *key_len, int *array_dims)
{
    size_t n = 0;
    bool quoted = false, space = false;
    int depth = 0;
    *array_dims = 0;
    const char *p = name;
    while (types_isspace(*p))
        p++;
    if (strncmp(p, "pg_catalog.", 11) == 0)
        p += 11;
    for (; *p; p++) {
        char c = *p;
        if (c == '"') {
            quoted = !quoted;
            if (n + 1 >= cap)
                return false;
            key[n++] = c;
            continue;
        }
        if (!quoted && c == '(') {
            depth++;
            continue;
        }
        if (!quoted && c == ')') {
            if (--depth < 0)
                return false;
            continue;
        }
        if (depth)
            continue;
        if (!quoted && c == '[') {
            const char *q = p + 1;
            while (types_isdigit(*q))
                q++;
            if (*q != ']')
                return false;
            (*array_dims)++;
            p = q;
            continue;
        }
        if (!quoted && types_isspace(c)) {
            space = n > 0;
            continue;
        }
        if (space) {
            if (n + 1 >= cap)
                return false;
            key[n++] = ' ';
            space = false;
        }
        if (n + 1 >= cap)
            return false;
        key[n++] = quoted ? c : types_tolower(c);
    }
    if (quoted || depth)
        return false;
    key[n] = 0;
    *key_len = n;
    return n > 0;
}

const pg_type_info *types_by_name(const char *name)
{
    char key[128];
    size_t n;
    int dims;
    if (!name || !normalise_name(name, key, sizeof key, &n, &dims))
        return NULL;
    const pg_type_info *t = probe_name(key, n, false);
    if (!t && n > 2 && key[0] == '"' && key[n - 1] == '"') {
        /* "int4" quoted: an identifier, so only typnames match. */
        key[n - 1] = 0;
        t = probe_name(key + 1, n - 2, true);
    }
    if (t && dims > 0)
        t = t->typarray ? types_by_oid(t->typarray) : NULL;
    return t;
}

int32_t types_typmod_varchar(int32_t length)
{
    return length < 0 ? -1 : length + 4;
}

int32_t types_typmod_numeric(int32_t precision, int32_t scale)
{
    if (precision < 0)
        return -1;
    return (int32_t)(((uint32_t)precision << 16) | ((uint32_t)scale & 0x7ff)) + 4;
}

int32_t types_numeric_typmod_precision(int32_t typmod)
{
    return ((typmod - 4) >> 16) & 0xffff;
}

int32_t types_numeric_typmod_scale(int32_t typmod)
{
    /* PostgreSQL 15 stores the scale as an 11-bit two's complement field (negative scales). */
    return (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
}

/* Interval typmods: (range mask << 16) | precision, 0x7FFF / 0xFFFF meaning "all" / "none". */
#define IV_YEAR (1 << 2)
#define IV_MONTH (1 << 1)
#define IV_DAY (1 << 3)
#define IV_HOUR (1 << 10)
#define IV_MINUTE (1 << 11)
#define IV_SECOND (1 << 12)

int32_t types_interval_typmod_precision(int32_t typmod)
{
    if (typmod < 0)
        return -1;
    if (typmod <= 6)   /* the short form of types.h's typmod comment */
        return typmod;
    int32_t p = typmod & 0xffff;
    return p == 0xffff ? -1 : p;
}

int32_t types_interval_typmod_range(int32_t typmod)
{
    if (typmod < 0 || typmod <= 6)
        return 0x7fff;
    return (typmod >> 16) & 0x7fff;
}

static const char *interval_range_words(int32_t range)
{
    switch (range) {
    case IV_YEAR: return " year";
    case IV_MONTH: return " month";
    case IV_DAY: return " day";
    case IV_HOUR: return " hour";
    case IV_MINUTE: return " minute";
    case IV_SECOND: return " second";
    case IV_YEAR | IV_MONTH: return " year to month";
    case IV_DAY | IV_HOUR: return " day to hour";
    case IV_DAY | IV_HOUR | IV_MINUTE: return " day to minute";
    case IV_DAY | IV_HOUR | IV_MINUTE | IV_SECOND: return " day to second";
    case IV_HOUR | IV_MINUTE: return " hour to minute";
    case IV_HOUR | IV_MINUTE | IV_SECOND: return " hour to second";
    case IV_MINUTE | IV_SECOND: return " minute to second";
    default: return "";
    }
}

/* format_type() for a non-array type; `typmod` >= 0 means a modifier is present. */
static void format_scalar(const pg_type_info *t, int32_t typmod, strbuf *out)
{
    switch (t->oid) {
    case PG_OID_BPCHAR:
        if (typmod >= 4)
            strbuf_printf(out, "character(%d)", typmod - 4);
        else
            strbuf_puts(out, typmod == -1 ? "bpchar" : "character");
        return;
    case PG_OID_VARCHAR:
        if (typmod >= 4)
            strbuf_printf(out, "character varying(%d)", typmod - 4);
        else
            strbuf_puts(out, "character varying");
        return;
    case PG_OID_NUMERIC:
        if (typmod >= 4)
            strbuf_printf(out, "numeric(%d,%d)", types_numeric_typmod_precision(typmod),
                          types_numeric_typmod_scale(typmod));
        else
            strbuf_puts(out, "numeric");
        return;
    case PG_OID_BIT:
    case PG_OID_VARBIT:
        strbuf_puts(out, t->sql_name);
        if (typmod >= 0)
            strbuf_printf(out, "(%d)", typmod);
        return;
    case PG_OID_TIME:
    case PG_OID_TIMETZ:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: {
        const char *base = (t->oid == PG_OID_TIME || t->oid == PG_OID_TIMETZ) ? "time" : "timestamp";
        const char *zone = (t->oid == PG_OID_TIMETZ || t->oid == PG_OID_TIMESTAMPTZ)
                               ? "with time zone" : "without time zone";
        if (typmod >= 0)
            strbuf_printf(out, "%s(%d) %s", base, typmod, zone);
        else
            strbuf_printf(out, "%s %s", base, zone);
        return;
    }
    case PG_OID_INTERVAL: {
        strbuf_puts(out, "interval");
        if (typmod < 0)
            return;
        strbuf_puts(out, interval_range_words(types_interval_typmod_range(typmod)));
        int32_t p = types_interval_typmod_precision(typmod);
        if (p >= 0)
            strbuf_printf(out, "(%d)", p);
        return;
    }
    case PG_OID_BOOL: case PG_OID_FLOAT4: case PG_OID_FLOAT8: case PG_OID_INT2:
    case PG_OID_INT4: case PG_OID_INT8:
        strbuf_puts(out, t->sql_name);
        return;
    default:
        strbuf_puts(out, t->sql_name);
        if (typmod >= 0)
            strbuf_printf(out, "(%d)", typmod);
        return;
    }
}

void types_format_type(pg_oid oid, int32_t typmod, strbuf *out)
{
    if (oid == PG_OID_INVALID) {
        strbuf_putc(out, '-');
        return;
    }
    const pg_type_info *t = types_by_oid(oid);
    if (!t) {
        strbuf_puts(out, "???");
        return;
    }
    if (types_is_array(t)) {
        const pg_type_info *e = types_by_oid(t->typelem);
        if (e) {
            format_scalar(e, typmod, out);
            strbuf_puts(out, "[]");
            return;
        }
    }
    format_scalar(t, typmod, out);
}

int16_t types_typlen(pg_oid oid)
{
    const pg_type_info *t = types_by_oid(oid);
    return t ? t->typlen : -1;
}
