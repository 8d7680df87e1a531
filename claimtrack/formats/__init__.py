"""What claimtrack reads and writes as files: the claimtrack document (document), its import
(importing), the records gathered from the database for every export (collect), the export
command's formats and atomic output (export), CSV for spreadsheets (spreadsheet), schema.org
ClaimReview (claimreview), iCalendar (ics), and the example data (examples)."""
