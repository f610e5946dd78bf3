-- rule: public is IRIS's default schema SQLUser, written qualified and delimited
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_identifiers_delimitedids
select id, name from items

-- rule: another schema keeps its name; names are delimited (IRIS delimited identifiers are not case-sensitive)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_identifiers_delimitedids
select code, label from sales.region

-- rule: unquoted identifiers fold to lower case as in PostgreSQL before they are delimited
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_identifiers
SELECT ID, Name FROM Items

-- rule: unnamed result columns are named as PostgreSQL names them, never IRIS's Expression_N / Aggregate_N / HostVar_N
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_identifiers
select 1, qty + 1, count(*), max(price), $1::integer from items group by qty

-- rule: joins, aliases and subqueries in FROM
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_join
select i.name, o.total from items i join orders o on o.item_id = i.id left join (select item_id, count(*) as n from orders group by item_id) c on c.item_id = i.id
