"""What a reader is told: the deadline report built from SQL and its text, Markdown and JSON
renderings (deadline_report), the plain-text views of claims, lists, histories, scorecards
and the corrections log for a terminal (render), and the record in words: statuses, local
moments, history entries (prose)."""
