-- rule: string functions: LOWER, UPPER, CHAR_LENGTH, SUBSTRING, || concatenation
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_substring
select lower(name), upper(name), length(name), substr(name, 2, 3), name || '!' from items

-- rule: COALESCE, NULLIF, CASE
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_coalesce
select coalesce(price, 0), nullif(qty, 0), case when qty > 1 then 'many' else 'one' end from items

-- rule: now() is GETUTCDATE() (timestamps stored in UTC)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_getutcdate
select id from items where created < now()

-- rule: EXTRACT through DATEPART; dow counts from Sunday = 0 as PostgreSQL
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datepart
select extract(year from created), extract(dow from created), date_part('month', created) from items

-- rule: date_trunc through TO_CHAR and TO_TIMESTAMP
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_totimestamp
select date_trunc('month', created), date_trunc('day', created), date_trunc('hour', created) from items

-- rule: string_agg with ',' is LIST
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_list
select string_agg(name, ',') from items

-- rule: string_agg with another delimiter has no IRIS equivalent: 0A000
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_list
select string_agg(name, '; ') from items

-- rule: integer division and modulo are IRIS's \ and #
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_operators
select qty / 2, qty % 3 from items

-- rule: aggregates with FILTER become the aggregate of a CASE
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_count
select count(*) filter (where active), sum(qty) filter (where price > 1) from items

-- rule: LIKE and ILIKE (%SQLUPPER on both sides)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_like
select id from items where name like 'a%' or name ilike '%B'
