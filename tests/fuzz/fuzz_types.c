/*
 * fuzz_types.c — libFuzzer target for the type codecs: every text and binary input
 * function on arbitrary bytes, then the output of what was accepted.  Built and run by
 * `make fuzz-smoke` (clang -fsanitize=fuzzer,address,undefined).
 *
 * Input layout: byte 0 picks the type, byte 1 bit 0 picks binary, the rest is the value.
 */
#include "types/types.h"

#include <stdlib.h>
#include <string.h>

static const pg_oid fuzz_types[] = {
    PG_OID_BOOL, PG_OID_INT2, PG_OID_INT4, PG_OID_INT8, PG_OID_FLOAT4, PG_OID_FLOAT8, PG_OID_NUMERIC,
    PG_OID_TEXT, PG_OID_VARCHAR, PG_OID_BPCHAR, PG_OID_NAME, PG_OID_BYTEA, PG_OID_DATE, PG_OID_TIME,
    PG_OID_TIMETZ, PG_OID_TIMESTAMP, PG_OID_TIMESTAMPTZ, PG_OID_INTERVAL, PG_OID_UUID, PG_OID_JSON,
    PG_OID_JSONB, PG_OID_INT4_ARRAY, PG_OID_TEXT_ARRAY, PG_OID_NUMERIC_ARRAY, PG_OID_TIMESTAMPTZ_ARRAY,
    PG_OID_BOOL_ARRAY, PG_OID_FLOAT8_ARRAY, PG_OID_JSONB_ARRAY, PG_OID_VECTOR, PG_OID_OID, PG_OID_CHAR,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    pg_oid oid = fuzz_types[data[0] % (sizeof fuzz_types / sizeof fuzz_types[0])];
    bool binary = data[1] & 1;
    int32_t typmod = (data[1] & 2) ? (oid == PG_OID_NUMERIC ? types_typmod_numeric(10, 2)
                                      : oid == PG_OID_VARCHAR || oid == PG_OID_BPCHAR ? types_typmod_varchar(5) : 3)
                                   : -1;
    /* Exact-size copy so that any over-read is caught by AddressSanitizer. */
    size_t len = size - 2;
    char *bytes = malloc(len ? len : 1);
    if (!bytes)
        return 0;
    memcpy(bytes, data + 2, len);
    type_settings ts;
    type_settings_default(&ts);
    ts.datestyle = (data[1] >> 2) & 3;
    ts.intervalstyle = (data[1] >> 4) & 3;
    ts.timezone = tz_lookup((data[1] & 64) ? "Europe/Paris" : "UTC");
    sql_value v;
    strbuf scratch, out;
    strbuf_init(&scratch);
    strbuf_init(&out);
    pg_error err = {0};
    bool ok = binary ? types_binary_in(&ts, oid, typmod, bytes, len, &v, &scratch, &err)
                     : types_text_in(&ts, oid, typmod, bytes, len, &v, &scratch, &err);
    if (ok && v.kind != VALUE_NULL) {
        if (!types_text_out(&ts, oid, typmod, &v, &out, &err))
            pg_error_clear(&err);
        strbuf_reset(&out);
        if (types_has_binary(oid) && !types_binary_out(&ts, oid, typmod, &v, &out, &err))
            pg_error_clear(&err);
    }
    pg_error_clear(&err);
    strbuf_free(&scratch);
    strbuf_free(&out);
    free(bytes);
    return 0;
}
