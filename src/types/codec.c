/*
 * codec.c — the public codec entry points: find the type, route arrays to array.c and
 * scalars to their codec, and answer types_has_binary.  Types without a codec of their own
 * (xml, inet, point, ranges ...) are stored and sent as their PostgreSQL text form.
 */
#include "types/types_internal.h"

void type_settings_default(type_settings *s)
{
    memset(s, 0, sizeof *s);
    s->extra_float_digits = 1;
    s->datestyle = DATESTYLE_ISO;
    s->dateorder = DATEORDER_MDY;
    s->intervalstyle = INTERVALSTYLE_POSTGRES;
    s->bytea_output = BYTEA_OUTPUT_HEX;
    s->timezone = NULL;
    s->now_us = 0;
}

const type_codec *types_codec_for(pg_oid oid)
{
    switch (oid) {
    case PG_OID_BOOL: return &types_codec_bool;
    case PG_OID_INT2: return &types_codec_int2;
    case PG_OID_INT4: return &types_codec_int4;
    case PG_OID_INT8: return &types_codec_int8;
    case PG_OID_OID:
    case PG_OID_REGPROC: case PG_OID_REGPROCEDURE: case PG_OID_REGOPER: case PG_OID_REGOPERATOR:
    case PG_OID_REGCLASS: case PG_OID_REGTYPE: case PG_OID_REGCONFIG: case PG_OID_REGDICTIONARY:
    case PG_OID_REGNAMESPACE: case PG_OID_REGROLE: case PG_OID_REGCOLLATION:
        return &types_codec_oid;
    case PG_OID_FLOAT4: return &types_codec_float4;
    case PG_OID_FLOAT8: return &types_codec_float8;
    case PG_OID_NUMERIC: return &types_codec_numeric;
    case PG_OID_TEXT: return &types_codec_text;
    case PG_OID_VARCHAR: return &types_codec_varchar;
    case PG_OID_BPCHAR: return &types_codec_bpchar;
    case PG_OID_NAME: return &types_codec_name;
    case PG_OID_CHAR: return &types_codec_char;
    case PG_OID_BYTEA: return &types_codec_bytea;
    case PG_OID_DATE: return &types_codec_date;
    case PG_OID_TIME: return &types_codec_time;
    case PG_OID_TIMETZ: return &types_codec_timetz;
    case PG_OID_TIMESTAMP: return &types_codec_timestamp;
    case PG_OID_TIMESTAMPTZ: return &types_codec_timestamptz;
    case PG_OID_INTERVAL: return &types_codec_interval;
    case PG_OID_UUID: return &types_codec_uuid;
    case PG_OID_JSON: return &types_codec_json;
    case PG_OID_JSONB: return &types_codec_jsonb;
    case PG_OID_VECTOR: return &types_codec_vector;
    case PG_OID_UNKNOWN: return &types_codec_text;
    default: return NULL;
    }
}

static const type_codec *codec_or_opaque(pg_oid oid)
{
    const type_codec *c = types_codec_for(oid);
    return c ? c : &types_codec_opaque_text;
}

/* The element row of an array type, or NULL for a scalar. */
static const pg_type_info *array_elem(pg_oid oid)
{
    if (oid < 199)   /* no array type below _json (199); skip the lookup for the common scalars */
        return NULL;
    const pg_type_info *t = types_by_oid(oid);
    if (!t || !types_is_array(t))
        return NULL;
    return types_by_oid(t->typelem);
}

/* The codecs append to buffers whose failure flag is sticky: one check at the end turns an
 * allocation failure into 53200 instead of a silently empty value. */
static bool finish(bool ok, const strbuf *buf, pg_error *err)
{
    if (ok && buf->failed) {
        pg_error_oom(err);
        return false;
    }
    return ok;
}

/* The reg* types: OIDs stored as integers, shown as names (types.h reg_resolver). */
static bool is_reg_type(pg_oid oid)
{
    switch (oid) {
    case PG_OID_REGPROC: case PG_OID_REGPROCEDURE: case PG_OID_REGOPER: case PG_OID_REGOPERATOR:
    case PG_OID_REGCLASS: case PG_OID_REGTYPE: case PG_OID_REGCONFIG: case PG_OID_REGDICTIONARY:
    case PG_OID_REGNAMESPACE: case PG_OID_REGROLE: case PG_OID_REGCOLLATION:
        return true;
    default:
        return false;
    }
}

/* regclass & co. out: the object's name through the session's resolver; 0 is "-"; an OID no
 * object has is printed as a number (PostgreSQL's regclassout ...). */
static bool reg_text_out(const type_settings *s, pg_oid oid, const sql_value *v, strbuf *out)
{
    if (v->kind != VALUE_INT)
        return false;
    if (v->i == 0) {
        strbuf_puts(out, "-");
        return true;
    }
    return s && s->reg && s->reg->name_of(s->reg->arg, oid, (pg_oid)v->i, out);
}

/* regclass & co. in: a number is an OID, "-" is 0, anything else a name to resolve. */
static bool reg_text_in(const type_settings *s, pg_oid oid, const char *text, size_t len, sql_value *out,
                        pg_error *err, bool *handled)
{
    *handled = false;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i < len && ((text[i] >= '0' && text[i] <= '9') || text[i] == '-' || text[i] == '+') &&
        !(len - i == 1 && text[i] == '-'))
        return true;   /* numeric: the oid codec reads it */
    *handled = true;
    if (len - i == 1 && text[i] == '-') {
        *out = value_int(0);
        return true;
    }
    pg_oid found;
    if (!s || !s->reg || !s->reg->oid_of) {
        pg_error_set(err, "22P02", "invalid input syntax for type oid: \"%.*s\"", (int)len, text);
        return false;
    }
    if (!s->reg->oid_of(s->reg->arg, oid, text, len, &found, err))
        return false;
    *out = value_int(found);
    return true;
}

bool types_text_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    /* Fast path: integers of the integer types, as most result columns are. */
    if (v->kind == VALUE_INT && (oid == PG_OID_INT4 || oid == PG_OID_INT8 || oid == PG_OID_INT2)) {
        types_append_int64(out, v->i);
        return true;
    }
    /* reg* values the SQL layer has already resolved to their name (regtypeout needs the
     * catalog, which this layer does not have): printed as they are. */
    if (v->kind == VALUE_TEXT && oid != PG_OID_OID && codec_or_opaque(oid) == &types_codec_oid) {
        strbuf_append(out, v->ptr, v->len);
        return finish(true, out, err);
    }
    /* reg* OIDs: named through the session's catalog resolver (types.h reg_resolver). */
    if (is_reg_type(oid) && reg_text_out(s, oid, v, out))
        return finish(true, out, err);
    const pg_type_info *elem = array_elem(oid);
    if (elem)
        return finish(types_array_text_out(s, elem, typmod, v, out, err), out, err);
    return finish(codec_or_opaque(oid)->text_out(s, typmod, v, out, err), out, err);
}

bool types_text_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *text, size_t len, sql_value *out, strbuf *scratch, pg_error *err)
{
    if (is_reg_type(oid)) {
        bool handled;
        bool ok = reg_text_in(s, oid, text, len, out, err, &handled);
        if (handled)
            return ok;
    }
    const pg_type_info *elem = array_elem(oid);
    if (elem)
        return finish(types_array_text_in(s, elem, typmod, text, len, out, scratch, err), scratch, err);
    return finish(codec_or_opaque(oid)->text_in(s, typmod, text, len, out, scratch, err), scratch, err);
}

bool types_has_binary(pg_oid oid)
{
    const pg_type_info *elem = array_elem(oid);
    if (elem)
        oid = elem->oid;
    const type_codec *c = types_codec_for(oid);
    return c && c->binary_out && c->binary_in;
}

static bool no_binary(pg_oid oid, bool receive, pg_error *err)
{
    const pg_type_info *t = types_by_oid(oid);
    strbuf name;
    strbuf_init(&name);
    types_format_type(oid, -1, &name);
    pg_error_set(err, "42883", "no binary %s function available for type %s", receive ? "input" : "output",
                 name.failed ? "?" : name.data);
    strbuf_free(&name);
    UNUSED(t);
    return false;
}

bool types_binary_out(const type_settings *s, pg_oid oid, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    const pg_type_info *elem = array_elem(oid);
    if (elem) {
        if (!types_has_binary(elem->oid))
            return no_binary(oid, false, err);
        return finish(types_array_binary_out(s, elem, typmod, v, out, err), out, err);
    }
    const type_codec *c = types_codec_for(oid);
    if (!c || !c->binary_out)
        return no_binary(oid, false, err);
    return finish(c->binary_out(s, typmod, v, out, err), out, err);
}

bool types_binary_in(const type_settings *s, pg_oid oid, int32_t typmod, const char *bytes, size_t len, sql_value *out, strbuf *scratch, pg_error *err)
{
    const pg_type_info *elem = array_elem(oid);
    if (elem) {
        if (!types_has_binary(elem->oid))
            return no_binary(oid, true, err);
        return finish(types_array_binary_in(s, elem, typmod, bytes, len, out, scratch, err), scratch, err);
    }
    const type_codec *c = types_codec_for(oid);
    if (!c || !c->binary_in)
        return no_binary(oid, true, err);
    return finish(c->binary_in(s, typmod, bytes, len, out, scratch, err), scratch, err);
}
