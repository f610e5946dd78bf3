/*
 * error.c — pg_error: the one error type of the project.  Every engine error, parse error,
 * protocol violation and allocation failure is expressed as one of these before it reaches
 * the protocol layer, which turns it into an ErrorResponse.
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

void pg_error_vset(pg_error *err, const char *sqlstate, const char *fmt, va_list ap)
{
    if (!err)
        return;
    pg_error_clear(err);
    memcpy(err->sqlstate, sqlstate, 5);
    err->sqlstate[5] = 0;
    err->severity = PG_SEVERITY_ERROR;
    err->message = vformat(fmt, ap);
}

void pg_error_set(pg_error *err, const char *sqlstate, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(err, sqlstate, fmt, ap);
    va_end(ap);
}

static void set_field(char **field, const char *fmt, va_list ap)
{
    free(*field);
    *field = vformat(fmt, ap);
}

void pg_error_detail(pg_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&err->detail, fmt, ap);
    va_end(ap);
}

void pg_error_hint(pg_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&err->hint, fmt, ap);
    va_end(ap);
}

void pg_error_context(pg_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&err->context, fmt, ap);
    va_end(ap);
}

void pg_error_clear(pg_error *err)
{
    if (!err)
        return;
    free(err->message);
    free(err->detail);
    free(err->hint);
    free(err->context);
    free(err->internal_query);
    free(err->schema_name);
    free(err->table_name);
    free(err->column_name);
    free(err->constraint_name);
    free(err->datatype_name);
    memset(err, 0, sizeof *err);
}

void pg_error_move(pg_error *dst, pg_error *src)
{
    pg_error_clear(dst);
    *dst = *src;
    memset(src, 0, sizeof *src);
}

void pg_error_oom(pg_error *err)
{
    pg_error_set(err, "53200", "out of memory");
}

const char *pg_severity_name(pg_severity s)
{
    switch (s) {
    case PG_SEVERITY_FATAL: return "FATAL";
    case PG_SEVERITY_PANIC: return "PANIC";
    case PG_SEVERITY_WARNING: return "WARNING";
    case PG_SEVERITY_NOTICE: return "NOTICE";
    case PG_SEVERITY_DEBUG: return "DEBUG";
    case PG_SEVERITY_INFO: return "INFO";
    case PG_SEVERITY_LOG: return "LOG";
    case PG_SEVERITY_ERROR: break;
    }
    return "ERROR";
}
