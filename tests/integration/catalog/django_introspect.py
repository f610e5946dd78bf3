"""Django's PostgreSQL introspection of one database, printed as JSON (run once per server by
test_catalog_django.py: Django's settings are per process).

    django_introspect.py HOST PORT DBNAME

Prints {"inspectdb": the models `manage.py inspectdb` writes, "tables": {name: {...}}} where
each table has what Django's introspection returns: get_table_description, get_constraints,
get_sequences, get_relations, get_primary_key_column.
"""
import io
import json
import sys

import django
from django.conf import settings

host, port, dbname = sys.argv[1], int(sys.argv[2]), sys.argv[3]
settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": dbname, "USER": "postgres",
                           "HOST": host, "PORT": port}},
    INSTALLED_APPS=[], USE_TZ=True)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

models = io.StringIO()
call_command("inspectdb", stdout=models)
out = {"inspectdb": models.getvalue(), "tables": {}}
intro = connection.introspection
with connection.cursor() as cur:
    for info in sorted(intro.get_table_list(cur), key=lambda t: t.name):
        t = info.name
        out["tables"][t] = {
            "type": info.type,
            "columns": [[repr(v) for v in d] for d in intro.get_table_description(cur, t)],
            "constraints": {name: {k: repr(v) for k, v in sorted(c.items())}
                            for name, c in sorted(intro.get_constraints(cur, t).items())},
            "sequences": sorted(repr(s) for s in intro.get_sequences(cur, t)),
            "relations": {k: list(v) for k, v in sorted(intro.get_relations(cur, t).items())},
            "primary_key": intro.get_primary_key_column(cur, t),
        }
print(json.dumps(out, indent=1, sort_keys=True))
