"""The record: the tables (models), opening and migrating the database (store), the text
every database can keep (storable), the service functions that change claims (claims,
corrections), statuses and their SQL twin (status, status_sql), search, and the JSON shape
of a claim (shapes). Everything above reads and writes claims through here."""
