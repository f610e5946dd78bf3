#!/usr/bin/env python3
"""
gen-type-table.py — writes src/types/type_table.c from a running PostgreSQL 15.

PostgreSQL is the source of truth for pg_type: this script reads every built-in base,
pseudo, range and multirange type of pg_catalog plus their array types, adds pgvector's
`vector` with our fixed OIDs, and emits plain C data: the rows sorted by OID, an
open-addressing hash of OIDs and an open-addressing hash of names (typnames plus the SQL
spellings and aliases of the grammar).  The C side (type_lookup.c) must hash exactly as
`name_hash`/`oid_hash` below do.

Usage: scripts/gen-type-table.py "psql -h /tmp/sock -p 55432 -U postgres" > src/types/type_table.c
"""
import subprocess
import sys

PSQL = sys.argv[1] if len(sys.argv) > 1 else "psql -h /tmp/pgt-sock -p 55432 -U postgres"

QUERY = r"""
select t.oid, t.typname, format_type(t.oid, null), t.typlen, t.typbyval, t.typtype,
       t.typcategory, t.typispreferred, t.typalign, t.typstorage, t.typdelim, t.typelem,
       t.typarray, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout
from pg_type t
where t.typnamespace = 'pg_catalog'::regnamespace
  and (t.typtype in ('b','p','r','m')
       and not exists (select 1 from pg_type e where e.oid = t.typelem and e.typarray = t.oid
                       and e.typtype not in ('b','p','r','m')))
order by t.oid
"""

# SQL spellings the grammar accepts for a type (gram.y's SimpleTypename / GenericType and
# SystemTypeName), mapped to typnames.  `char` alone is SQL's character(1), i.e. bpchar; the
# one-byte "char" type is reached through its quoted spelling.
ALIASES = {
    "int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8",
    "real": "float4", "float": "float8", "double precision": "float8",
    "decimal": "numeric", "dec": "numeric",
    "boolean": "bool",
    "character varying": "varchar", "char varying": "varchar",
    "national character varying": "varchar", "national char varying": "varchar",
    "nchar varying": "varchar",
    "character": "bpchar", "char": "bpchar", "national character": "bpchar",
    "national char": "bpchar", "nchar": "bpchar",
    "\"char\"": "char",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "time without time zone": "time", "time with time zone": "timetz",
    "bit varying": "varbit",
}

def name_hash(s):
    """FNV-1a over the bytes, 32 bits."""
    h = 0x811C9DC5
    for b in s.encode():
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h

def oid_hash(o):
    """Knuth's multiplicative hash, 32 bits."""
    return (o * 2654435761) & 0xFFFFFFFF

def storage_class(r):
    name, cat = r["typname"], r["typcategory"]
    if name in ("bool", "int2", "int4", "int8", "oid", "date", "time", "timestamp",
                "timestamptz") or (name.startswith("reg") and cat == "N"):
        return "STORAGE_INT"
    if name in ("float4", "float8"):
        return "STORAGE_FLOAT"
    if name in ("bytea", "vector"):
        return "STORAGE_BLOB"
    return "STORAGE_TEXT"

def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

def main():
    out = subprocess.run(PSQL.split() + ["-AtF", "\x1f", "-c", QUERY], check=True,
                         capture_output=True, text=True).stdout
    cols = ["oid", "typname", "sql_name", "typlen", "typbyval", "typtype", "typcategory",
            "typispreferred", "typalign", "typstorage", "typdelim", "typelem", "typarray",
            "typinput", "typoutput", "typreceive", "typsend", "typmodin", "typmodout"]
    rows = []
    for line in out.splitlines():
        f = line.split("\x1f")
        assert len(f) == len(cols), line
        rows.append(dict(zip(cols, f)))
    # pgvector: as CREATE TYPE in its extension script makes it, with our fixed OIDs.
    rows.append(dict(oid="16388", typname="vector", sql_name="vector", typlen="-1", typbyval="f",
                     typtype="b", typcategory="U", typispreferred="f", typalign="i",
                     typstorage="e", typdelim=",", typelem="0", typarray="16393",
                     typinput="vector_in", typoutput="vector_out", typreceive="vector_recv",
                     typsend="vector_send", typmodin="vector_typmod_in", typmodout="-"))
    rows.append(dict(oid="16393", typname="_vector", sql_name="vector[]", typlen="-1",
                     typbyval="f", typtype="b", typcategory="A", typispreferred="f",
                     typalign="i", typstorage="x", typdelim=",", typelem="16388", typarray="0",
                     typinput="array_in", typoutput="array_out", typreceive="array_recv",
                     typsend="array_send", typmodin="vector_typmod_in", typmodout="-"))
    rows.sort(key=lambda r: int(r["oid"]))
    index = {r["typname"]: i for i, r in enumerate(rows)}

    p = print
    p("/*")
    p(" * type_table.c — PostgreSQL 15's pg_type rows for the built-in base, pseudo, range and")
    p(" * multirange types and their arrays, plus pgvector's vector (OIDs 16388/16393).")
    p(" *")
    p(" * GENERATED by scripts/gen-type-table.py from a running PostgreSQL 15; do not edit by hand.")
    p(" * Invariants: rows sorted by OID; the two hash tables hold row index + 1 (0 = empty slot),")
    p(" * probed linearly from the hash that type_lookup.c computes the same way as the script.")
    p(" */")
    p('#include "types/types_internal.h"')
    p("")
    p("const pg_type_info types_table[] = {")
    for r in rows:
        b = lambda k: "true" if r[k] == "t" else "false"
        ch = lambda k: "'\\\\'" if r[k] == "\\" else ("'" + r[k] + "'")
        p("    {%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s}," % (
            r["oid"], cstr(r["typname"]), cstr(r["sql_name"]), r["typlen"], b("typbyval"),
            ch("typtype"), ch("typcategory"), b("typispreferred"), ch("typalign"),
            ch("typstorage"), ch("typdelim"), r["typelem"], r["typarray"], cstr(r["typinput"]),
            cstr(r["typoutput"]), cstr(r["typreceive"]), cstr(r["typsend"]),
            cstr(r["typmodin"]), cstr(r["typmodout"]), storage_class(r)))
    p("};")
    p("const size_t types_table_len = %d;" % len(rows))
    p("")

    size = 1
    while size < 2 * len(rows):
        size *= 2
    slots = [0] * size
    for i, r in enumerate(rows):
        h = oid_hash(int(r["oid"])) & (size - 1)
        while slots[h]:
            h = (h + 1) & (size - 1)
        slots[h] = i + 1
    p("const uint16_t types_oid_hash[%d] = {" % size)
    for k in range(0, size, 16):
        p("    " + ", ".join(str(x) for x in slots[k:k + 16]) + ",")
    p("};")
    p("const size_t types_oid_hash_size = %d;" % size)
    p("")

    # Aliases go in first so that probing for a key meets the SQL spelling before a typname of
    # the same text ("char"); types_by_typname skips alias slots.
    keys = []
    for alias, target in sorted(ALIASES.items()):
        assert target in index, target
        keys.append((alias, index[target], True))
    for i, r in enumerate(rows):
        keys.append((r["typname"], i, False))
    size = 1
    while size < 2 * len(keys):
        size *= 2
    entries = [None] * size
    for name, i, alias in keys:
        h = name_hash(name) & (size - 1)
        while entries[h] is not None:
            h = (h + 1) & (size - 1)
        entries[h] = (name, i, alias)
    p("const types_name_slot types_name_hash[%d] = {" % size)
    for e in entries:
        p("    {NULL, 0, false}," if e is None else
          "    {%s, %d, %s}," % (cstr(e[0]), e[1] + 1, "true" if e[2] else "false"))
    p("};")
    p("const size_t types_name_hash_size = %d;" % size)

main()
