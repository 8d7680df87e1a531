"""What claimtrack reads and writes as files: the claimtrack document and its JSON (document),
typed access to JSON fields (fields), reading and checking a document (document_reader) and
the parts of its claims (record_parts), its import (importing) with the rows it writes for
new claims (import_rows) and the changes it takes into existing ones (import_updates), the
records gathered from the database for every export (collect), the export command's formats
and atomic output (export), CSV for spreadsheets (spreadsheet), schema.org ClaimReview
(claimreview), iCalendar (ics), the Atom feed (atom), and the example data (examples)."""
