"""The record: the tables (models), opening and migrating the database (store), the service
functions that change claims (claims, corrections), statuses and their SQL twin, search,
and the JSON shape of a claim. Everything above reads and writes claims through here."""
