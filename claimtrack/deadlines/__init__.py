"""Deadlines: what a reading is (deadline), the words people use (vocabulary), the reader of
phrases in English and French (reader), and the dates users type (days). Below the record:
it knows nothing of claims or databases."""
