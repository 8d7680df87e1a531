"""The record: the tables (models) and how their columns are stored (columns), opening the
database (store), its schema revisions and the db/ folder (migrations), SQL alike on both
databases (sql), the text every database can keep (storable), the moments of a change and of
a reading (moments), checks on input (validation), claims recorded and edited (claims), who
said them and where (attribution), verdicts and standing (verdicts), corrections and their
log (corrections), links between claims and moved deadlines (links), statuses and their SQL
twin (status, status_sql), reading and listing (reading), claimants' scorecards
(scorecards), what changed lately (changes), silences of alerts (silences), full-text
search, the JSON shape of a claim (shapes), the deadlines a served calendar holds
(calendar_window), the data version every served write raises (versions), and a number
per claim that moves with its rows, which a publish keeps files by (fingerprints).
Everything above reads and writes claims through here."""
