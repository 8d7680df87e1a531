"""Deadlines: what a reading is (deadline), the words people use (vocabulary), counts in
words (numbers), calendar periods (periods), counted phrases (relative), the reader of
phrases in English and French (reader), the phrases inside running text (finder), readings
given by hand (hand), and the dates users type (days). Below the record: it knows nothing
of claims or databases."""
