"""The public web tracker: the site and what every request takes from it (site), the
application with its error pages (app), the HTML pages (pages) and their templates/ and
static/, a list's pages and their links to each other (paging), the pages by claimant and
by tag (indexes), Atom feeds (feeds), the calendars to subscribe to (calendars), the JSON
API (api) and its OpenAPI shapes (schemas), the guards on writes and headers (guard),
answers kept and served again with their ETags (caching), the language each request is
answered in (speaking), the uvicorn server and its workers (server), and the static copy
of the whole site (publish), each answer made a file with its links made relative
(static_copy), and what a publish keeps from its last run (keeping)."""
