-- rule: $n becomes ? and the plan records which parameter each ? binds
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_dynsql
select name from items where id = $1 and qty > $2

-- rule: $n out of order and repeated: the parameter map reorders and duplicates values
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_dynsql
select id from items where qty between $2 and $1 or price = $2

-- rule: a parameter in LIMIT/OFFSET (LIMIT takes input parameters from 2025.1)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_limit
select id from items order by id limit $1 offset $2

-- rule: a vector parameter is converted with TO_VECTOR (the client sends '[…]' text)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_tovector
select id from items order by embedding <=> $1 limit 5
