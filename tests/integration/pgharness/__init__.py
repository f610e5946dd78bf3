"""pgharness: test harness for iris-pgwire (servers, clients, wire protocol, wire scripts).

Modules:
- servers:    PgwireServer (the server under test) and PgOracle (a real PostgreSQL 15)
- clients:    psycopg connections, psql runs, result capture and comparison
- wire:       the v3 protocol codec over a raw socket
- wirescript: the .wire script language (lexer, parser)
- wirerunner: replays a parsed script against a server and checks the replies
"""

from .servers import PgOracle, PgwireServer, Server, ServerError, free_port  # noqa: F401  (re-exported)

