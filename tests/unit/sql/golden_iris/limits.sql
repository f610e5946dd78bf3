-- rule: LIMIT count OFFSET start for IRIS 2025.1 and later; OFFSET is never dropped
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_limit
select id from items order by id limit 10 offset 20

-- rule: before 2025.1: TOP n (a literal)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_select
-- version: 2024.1
select id from items order by id limit 10

-- rule: before 2025.1 with OFFSET: %VID over a TOP ALL subquery that keeps its ORDER BY
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_select
-- version: 2024.1
select id, name from items order by name limit 10 offset 20

-- rule: before 2025.1 TOP cannot be a parameter: 0A000 rather than a wrong query
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_select
-- version: 2024.1
select id from items limit $1

-- rule: LIMIT after ORDER BY is not supported inside a subquery: TOP there
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_limit
select * from (select id from items order by price desc limit 3) t

-- rule: LIMIT applies to the whole UNION: the compound is wrapped so the limit cannot attach to its last leg
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_limit
select id from items union select item_id from orders order by 1 limit 5

-- rule: PostgreSQL sorts NULLs last ascending, IRIS first: an explicit NULL key keeps PostgreSQL's order
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_orderby
select id from items order by price, qty desc nulls last
