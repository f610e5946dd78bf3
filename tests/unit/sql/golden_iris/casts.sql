-- rule: :: never reaches IRIS (":" starts a host variable): CAST(x AS type)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_cast
select qty::bigint, price::integer from items

-- rule: DOUBLE PRECISION is written DOUBLE
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select qty::double precision, cast(price as float8) from items

-- rule: varchar(n), numeric(p,s) and text keep their lengths (a bare VARCHAR is one character in IRIS)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select name::varchar(10), qty::numeric(12,3), qty::text from items

-- rule: date and timestamp literals are CAST of their ODBC text form; timestamptz is stored in UTC
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select id from items where created > '2024-02-29 10:00:00+00' and created < date '2025-01-01'

-- rule: boolean casts: BIT values compared with 0, texts with the true spellings
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select qty::boolean, 'yes'::boolean, active::text from items
