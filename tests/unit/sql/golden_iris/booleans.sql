-- rule: IRIS has no boolean values: a BIT column in a condition is compared with 1
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select id from items where active

-- rule: a condition used as a value becomes a three-valued CASE (1, 0 or NULL)
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_case
select qty > 5 as big, price is null from items

-- rule: boolean literals are 1 and 0
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
update items set active = true where active = false

-- rule: IS TRUE / IS NOT FALSE / IS UNKNOWN on BIT values
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_datatype
select id from items where active is true or active is not false or (qty > 1) is unknown

-- rule: IS DISTINCT FROM spelled out with NULL tests
-- doc: https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_where
select id from items where qty is distinct from $1
