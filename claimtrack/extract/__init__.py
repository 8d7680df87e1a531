"""From an article to tracked claims: the text and metadata of a file or a page (sources),
its sentences and language (sentences), which of them commit or predict with a deadline and
who made them (candidates), and the candidates recorded as claims (service)."""
