"""The driver scenario's data, shared by the Python drivers' tests (psycopg 3, psycopg2,
asyncpg) and written out for the other languages' programs in this folder.

Every driver test runs the same scenario against PostgreSQL 15 and against iris-pgwire:
typed round trips of every type of issue 4 (NULLs, unicode, a 1 MB text, bytea with zero
bytes), parameterised DML with row counts, 10 000 rows fetched in pages, an error in the
middle of a pipeline or batch, and transactions.
"""

import datetime
import decimal
import uuid

D = decimal.Decimal
UTC = datetime.timezone.utc

# column, SQL type, a value as Python drivers give and get it
COLUMNS = [
    ("b", "bool", True),
    ("i2", "int2", -32768),
    ("i4", "int4", 2147483647),
    ("i8", "int8", -9223372036854775808),
    ("f4", "float4", 1.5),
    ("f8", "float8", 0.1),
    ("n", "numeric", D("-12345.678900")),
    ("nz", "numeric", D("0.001")),
    ("t", "text", "é€😀 unicode"),
    ("vc", "varchar(20)", "varchar"),
    ("bp", "char(5)", "ab"),
    ("nm", "name", "a_name"),
    ("by", "bytea", b"\x00\x01\x00\xff"),
    ("d", "date", datetime.date(2020, 2, 29)),
    ("tm", "time", datetime.time(12, 34, 56, 789000)),
    ("ts", "timestamp", datetime.datetime(2020, 1, 1, 12, 34, 56, 789000)),
    ("tz", "timestamptz", datetime.datetime(2020, 1, 1, 12, 34, 56, 123456, tzinfo=UTC)),
    ("iv", "interval", datetime.timedelta(days=3, hours=4, minutes=5, seconds=6, microseconds=7)),
    ("u", "uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("j", "json", {"a": [1, 2], "é": None}),
    ("jb", "jsonb", {"b": "é", "n": 1.5}),
    ("o", "oid", 4000000000),
    ("ai", "int4[]", [1, None, 3]),
    ("at", "text[]", ["a", "b c", None, "", "é\"\\"]),
    ("an", "numeric[]", [D("1.5"), D("-0.001")]),
    ("ab", "bool[]", [True, False]),
    ("ai8", "int8[]", [2 ** 40]),
    ("af8", "float8[]", [0.5, -1e300]),
    ("ad", "date[]", [datetime.date(2020, 1, 1), datetime.date(1999, 12, 31)]),
    ("atz", "timestamptz[]", [datetime.datetime(2000, 1, 1, tzinfo=UTC)]),
    ("au", "uuid[]", [uuid.UUID("00000000-0000-0000-0000-000000000001")]),
    ("aby", "bytea[]", [b"\x00", None]),
]

BIG_TEXT = "0123456789abcdef" * 65536          # 1 MiB
ZERO_BYTES = bytes(range(256)) * 16 + b"\x00" * 100

PAGE_ROWS = 10000


def create_table_sql(table):
    cols = ", ".join(f"{name} {sqltype}" for name, sqltype, _ in COLUMNS)
    return f"create table {table} (id int primary key, {cols})"


def expected(name, value):
    """What a Python driver returns for the value it sent (char(n) pads)."""
    if name == "bp":
        return value.ljust(5)
    return value
