"""What a reader is told: the deadline report built from SQL and its text, Markdown and JSON
renderings (deadline_report), and the plain-text views of claims, lists, histories and the
corrections log for a terminal (render)."""
